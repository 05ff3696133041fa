"""fixdex: an error-diagnosis knowledge base built from one YAML file per error."""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`fixdex.match` and `fixdex.install`, imported on first use so `import fixdex` stays cheap."""
    if name == "match":  # the module itself is callable: fixdex.match(text) == fixdex.match.match(text)
        import fixdex.match

        return fixdex.match
    if name == "install":
        from fixdex.hook import install

        return install
    raise AttributeError(f"module 'fixdex' has no attribute {name!r}")
