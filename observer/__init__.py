"""Group Process Observer: the Qt-free core (data model, recording, analysis, formats)."""

__version__ = "0.1.0"
