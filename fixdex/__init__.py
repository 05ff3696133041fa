"""fixdex: an error-diagnosis knowledge base built from one YAML file per error.

The public API for programs and other packages:

- `fixdex.match(text)`: ranked candidate entries for an error text (fixdex.matcher module);
- `fixdex.install()`: name known errors under uncaught tracebacks (fixdex.hook);
- `%load_ext fixdex`: the same under IPython and Jupyter tracebacks (fixdex.ipython).

The pytest plugin (fixdex.pytest_plugin) and the logging formatter
(fixdex.logging_links) are found by pytest and by logging configuration.
Importing fixdex reads no entries and no index: that happens at the first error.
"""

from fixdex.hook import install
from fixdex.ipython import load_ipython_extension, unload_ipython_extension
from fixdex.matcher import match

__version__ = "0.1.0"
__all__ = ["__version__", "install", "load_ipython_extension", "match", "unload_ipython_extension"]
