"""The exceptions users catch. Every one is reported by the CLI as one line with its ``exit_code``
(2: bad input or a limit reached; see the README's exit codes)."""

from __future__ import annotations

from spasmkg.text import one_line

__all__ = [
    "InputError",
    "NetworkRefused",
    "QueryError",
    "QueryMemoryExceeded",
    "QueryTimeout",
    "ReasonerError",
    "SpasmkgError",
    "Terminated",
    "TimeLimitExceeded",
    "UnknownTerm",
]


class SpasmkgError(Exception):
    """An error reported to the user as one line. ``exit_code`` follows the CLI contract."""

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(SpasmkgError):
    """Bad user input: a file, a query, a parameter (exit 2)."""


class NetworkRefused(InputError):
    """Something tried to open a network connection at run time."""


class TimeLimitExceeded(InputError):
    """A command ran past its time limit (``--timeout``); exit 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while an output file was being written: raised so the temporary file
    is removed, as for Ctrl-C. ``str()`` is the signal's name."""


class QueryTimeout(SpasmkgError):
    """The query did not finish within its time limit (exit 2)."""


class QueryMemoryExceeded(QueryTimeout):
    """The query (or rendering its result) grew memory past ``SPASMKG_MAX_QUERY_MB`` (exit 2)."""


class QueryError(InputError):
    """The query text is not valid SPARQL or is refused (exit 2)."""


class UnknownTerm(InputError):
    """A term that matches no concept, or several (exit 2); ``suggestions`` lists close matches."""

    def __init__(self, message: str, suggestions: list[str]):
        super().__init__(message)
        self.suggestions = suggestions


class ReasonerError(SpasmkgError):
    """The reasoner gave no answer: no Java, out of memory, over its time limit, failed (exit 2)."""
