"""Errors a user can act on: the CLI prints them without a traceback and exits non-zero."""


class SolsticeError(Exception):
    """A problem with the user's input or environment, with a message that names the fix."""


class ConfigError(SolsticeError):
    """A bad pack configuration or command-line value."""


class ReferenceDataError(SolsticeError):
    """A seed CSV that is missing, unreadable or malformed."""


_stop_requested = False


def request_stop(signum, frame):
    """The CLI's SIGTERM handler (what a job runner sends to stop work): raise KeyboardInterrupt, as Ctrl-C does,
    so partial output is cleaned up. Python drops an exception raised while a finalizer (`__del__`) happens to
    run, so the request is also remembered, and honoured at the next progress line or before output is
    published (`stop_if_requested`)."""
    global _stop_requested
    _stop_requested = True
    raise KeyboardInterrupt


def stop_if_requested() -> None:
    if _stop_requested:
        raise KeyboardInterrupt
