"""Turning Python inputs into the double arrays the C functions read.

A numpy array that is already C-contiguous float64 is handed to the library
as it is: the C function reads the array's own buffer (the library never
modifies nor keeps its inputs, so this is safe). Anything else (a list, a
float32 or strided array, a pandas object) is converted once into a new
C-contiguous float64 array.
"""
from __future__ import annotations

import ctypes
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

from ._lib import c_double_p
from .errors import InvalidArgumentError

#: Test hook: when set, called as hook(source, address) for every array handed
#: to the library, with the object the caller passed and the address the C
#: function receives. The tests use it to verify that no copy is made.
pointer_hook: Optional[Callable[[Any, int], None]] = None


def _float64(values: Any, what: str) -> np.ndarray:
    try:
        if hasattr(values, "to_numpy") and getattr(values, "dtype", None) != np.float64:
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)  # pandas NA -> NaN
        return np.ascontiguousarray(values, dtype=np.float64)  # no copy when already conforming
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError("%s must be numbers (%s)" % (what, e)) from e


def vector(values: Any, what: str = "the values") -> np.ndarray:
    """`values` as a 1-D C-contiguous float64 array: itself when it is one,
    else one conversion. A scalar becomes a 1-element array."""
    arr = _float64(values, what)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InvalidArgumentError("%s must be 1-D, got an array of shape %s" % (what, arr.shape))
    return arr


def matrix(values: Any, what: str = "the rows") -> np.ndarray:
    """`values` as a 2-D (rows x features) C-contiguous float64 array: itself
    when it is one, else one conversion."""
    arr = _float64(values, what)
    if arr.ndim != 2:
        raise InvalidArgumentError("%s must be a 2-D array (rows x features), got shape %s"
                                   % (what, arr.shape))
    return arr


def frame_columns(frame: Any, columns: Sequence[str]) -> np.ndarray:
    """The named columns of a pandas DataFrame, in that order, as one new
    C-contiguous float64 matrix (a single copy; pandas' missing values become
    NaN). The caller has checked that every column exists."""
    out = np.empty((len(frame), len(columns)), dtype=np.float64)
    for j, name in enumerate(columns):
        column = frame[name]
        if getattr(column, "ndim", 1) != 1:
            raise InvalidArgumentError("column %r appears more than once in the DataFrame" % (name,))
        try:
            out[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as e:
            raise InvalidArgumentError(
                "column %r is not numeric (dtype %s): pass only the feature columns, e.g. "
                "df.select_dtypes('number')" % (name, column.dtype)) from e
    return out


def is_frame(obj: Any) -> bool:
    """True for a pandas DataFrame (duck-typed: pandas is an optional dependency)."""
    return hasattr(obj, "columns") and hasattr(obj, "to_numpy") and getattr(obj, "ndim", 0) == 2


def pointer(source: Any, arr: np.ndarray) -> "ctypes._Pointer":
    """A double * to `arr`'s buffer (it keeps `arr` alive)."""
    ptr = arr.ctypes.data_as(c_double_p)
    if pointer_hook is not None:
        pointer_hook(source, ctypes.cast(ptr, ctypes.c_void_p).value or 0)
    return ptr


def pass_vector(values: Any, what: str = "the values") -> Tuple[np.ndarray, "ctypes._Pointer", int]:
    """(array, pointer, length) of a 1-D input, for a (const double *, size_t) pair."""
    arr = vector(values, what)
    return arr, pointer(values, arr), arr.shape[0]
