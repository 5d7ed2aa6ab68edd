"""rasad: watch Arabic and English news as it is published and alert on what changes."""

__version__ = "0.1.0"
