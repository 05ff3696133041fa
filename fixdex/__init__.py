"""fixdex: an error-diagnosis knowledge base built from one YAML file per error."""

__version__ = "0.1.0"
