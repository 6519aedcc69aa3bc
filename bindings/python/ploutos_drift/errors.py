"""Exceptions: one class per negative pdrift_status code.

Every exception raised for a status code derives from :class:`PdriftError`
and carries ``code`` (the :class:`Status`), ``strerror`` (pdrift_strerror's
text) and ``message`` (the detailed text: pdrift_errmsg of the monitor, or the
binding's own explanation for the stateless functions). Each class also
derives from the closest built-in exception, so ``except ValueError`` catches
bad data and ``except OSError`` an unreadable file.
"""
from __future__ import annotations

import enum
from typing import Dict, Type

from ._lib import strerror as _strerror


class Status(enum.IntEnum):
    """pdrift_status: 0 or a negative code."""
    OK = 0
    EINVAL = -1
    ENOMEM = -2
    ESTATE = -3
    ENOBUFS = -4
    EIO = -5
    EFORMAT = -6
    EPARAM = -7
    ERANGE = -8
    ENUMERIC = -9
    EDATA = -10
    ESCHEMA = -11
    EVERSION = -12
    ECORRUPT = -13


class PdriftError(Exception):
    """A libploutosdrift call failed.

    Attributes:
        code: the :class:`Status` (an int: ``e.code == -10``).
        strerror: pdrift_strerror(code), e.g. ``"data rejected"``.
        message: the detailed message, e.g. ``"baseline.csv:17:24: column "rsi":
            "abc" is not a number"``; may be empty.
        function: the C function (or binding method) that failed.
    """
    code: int = Status.OK  # each subclass sets its own

    def __init__(self, message: str = "", function: str = "", code: "int | None" = None):
        if code is not None:  # only for a code this binding does not know
            self.code = code
        text = _strerror(self.code)
        # the library's messages often start with the function's name already
        where = function + ": " if function and not message.startswith(function) else ""
        super().__init__("%s%s (%s)" % (where, message, text) if message else where + text)
        # after the base's __init__: OSError's resets its own strerror attribute
        self.strerror = text
        self.message = message
        self.function = function


class InvalidArgumentError(PdriftError, ValueError):
    """PDRIFT_EINVAL: NULL where not allowed, zero length, bad enum value."""
    code = Status.EINVAL


class OutOfMemoryError(PdriftError, MemoryError):
    """PDRIFT_ENOMEM."""
    code = Status.ENOMEM


class StateError(PdriftError, RuntimeError):
    """PDRIFT_ESTATE: wrong call order (detect before a baseline, a closed monitor)."""
    code = Status.ESTATE


class BufferTooSmallError(PdriftError):
    """PDRIFT_ENOBUFS (handled inside the binding; not expected to escape)."""
    code = Status.ENOBUFS


class PdriftIOError(PdriftError, OSError):
    """PDRIFT_EIO: a file could not be opened, read, written or renamed."""
    code = Status.EIO


class ParseError(PdriftError, ValueError):
    """PDRIFT_EFORMAT: a malformed CSV file or baseline snapshot (the message
    names file, line and column)."""
    code = Status.EFORMAT


class ParameterError(PdriftError, LookupError):
    """PDRIFT_EPARAM: unknown parameter name, or a value of the wrong type for it."""
    code = Status.EPARAM


class OutOfRangeError(PdriftError, ValueError):
    """PDRIFT_ERANGE: a value outside the parameter's bounds."""
    code = Status.ERANGE


class NumericalError(PdriftError, ArithmeticError):
    """PDRIFT_ENUMERIC: a numerical failure."""
    code = Status.ENUMERIC


class DataError(PdriftError, ValueError):
    """PDRIFT_EDATA: data rejected (a NaN where not allowed, too few values)."""
    code = Status.EDATA


class SchemaError(PdriftError, ValueError):
    """PDRIFT_ESCHEMA: the columns of the current data do not match the baseline."""
    code = Status.ESCHEMA


class SnapshotVersionError(PdriftError, ValueError):
    """PDRIFT_EVERSION: a baseline snapshot of an incompatible format version."""
    code = Status.EVERSION


class CorruptSnapshotError(PdriftError, ValueError):
    """PDRIFT_ECORRUPT: a baseline snapshot fails its checksum or bounds checks."""
    code = Status.ECORRUPT


_BY_CODE: Dict[int, Type[PdriftError]] = {
    cls.code: cls for cls in (InvalidArgumentError, OutOfMemoryError, StateError,
                              BufferTooSmallError, PdriftIOError, ParseError, ParameterError,
                              OutOfRangeError, NumericalError, DataError, SchemaError,
                              SnapshotVersionError, CorruptSnapshotError)
}


def error_for(code: int, message: str = "", function: str = "") -> PdriftError:
    """The exception for a negative status code: its subclass, or PdriftError
    itself for a code this binding does not know (one added by a newer library)."""
    cls = _BY_CODE.get(code)
    return cls(message, function) if cls else PdriftError(message, function, code=code)
