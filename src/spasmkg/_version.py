"""The package version, defined once: hatch reads it for the wheel, ``spasmkg.__version__`` re-exports it,
and a test checks the ontology's ``owl:versionInfo`` against it."""

__version__ = "0.1.0"
