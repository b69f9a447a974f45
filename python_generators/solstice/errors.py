"""Errors a user can act on: the CLI prints them without a traceback and exits non-zero."""


class SolsticeError(Exception):
    """A problem with the user's input or environment, with a message that names the fix."""


class ConfigError(SolsticeError):
    """A bad pack configuration or command-line value."""


class ReferenceDataError(SolsticeError):
    """A seed CSV that is missing, unreadable or malformed."""
