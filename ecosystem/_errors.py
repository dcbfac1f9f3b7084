"""Exception classes shared by every ecobelt module.

Every error a user can trigger with bad input is one of these, so a caller can
catch :class:`EcosystemError` and the command line can print one line instead
of a traceback.
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = [
    "EcosystemError",
    "ParameterError",
    "UnknownMemberError",
    "DuplicateError",
    "ValidationError",
    "SpecError",
    "MemoryNeedError",
    "NumericalWarning",
]


class EcosystemError(Exception):
    """Base class of every error raised on purpose by ecobelt."""


class ParameterError(EcosystemError, ValueError):
    """An argument has a value the function cannot use (the message says which)."""


class UnknownMemberError(EcosystemError, KeyError):
    """A member id that is not in the ecosystem."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class MemoryNeedError(ParameterError, MemoryError):
    """A computation would need more memory than the machine has free; nothing was allocated.

    ``needed`` and ``available`` are in bytes; the message names the option
    that avoids the allocation.
    """

    def __init__(self, message: str, needed: int = 0, available: int = 0):
        super().__init__(message)
        self.needed, self.available = needed, available


class NumericalWarning(UserWarning):
    """A result holds NaN or infinity, or rests on too little data to mean much; the
    message names the cause and the parameter that avoids it."""


class DuplicateError(EcosystemError, ValueError):
    """A member id, or a (source, target, flow) link, that already exists."""


class ValidationError(EcosystemError):
    """An ecosystem breaks one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        shown = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problem(s): {shown}{more}")


class SpecError(EcosystemError, ValueError):
    """A spec file or table that cannot be read as an ecosystem.

    Parameters
    ----------
    message : str
        What is wrong and, where it helps, what is allowed.
    file : str, optional
        The file being read.
    location : str, optional
        The place inside it, such as ``links[12].flow``.
    value : object, optional
        The offending value.
    """

    _NO_VALUE = object()

    def __init__(self, message: str, *, file: str | None = None,
                 location: str | None = None, value: Any = _NO_VALUE):
        self.file = file
        self.location = location
        self.value = None if value is SpecError._NO_VALUE else value
        where = ": ".join(part for part in (file, location) if part)
        shown = "" if value is SpecError._NO_VALUE else f" (got {value!r})"
        super().__init__(f"{where}: {message}{shown}" if where else f"{message}{shown}")


# Tracebacks and reprs name the public path (ecosystem.ParameterError), not this module.
for _name in __all__:
    globals()[_name].__module__ = "ecosystem"
del _name
