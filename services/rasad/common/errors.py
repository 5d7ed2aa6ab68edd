"""The root of every error rasad raises on purpose."""


class RasadError(Exception):
    """Base class: an expected failure with a message fit to show a user."""


class ConfigError(RasadError):
    """Settings or data files are missing or wrong."""


class InputError(RasadError):
    """Input that rasad refuses: the message says which field or line, and why."""
