"""The drift monitor (pdrift_monitor): a baseline, a window of production
data, and detections.

A :class:`Monitor` holds a lock: every call on it runs under that lock, so one
monitor may be shared by threads. Distinct monitors are independent and run
in parallel (ctypes releases the GIL during each C call).
"""
from __future__ import annotations

import math
import os
import threading
from ctypes import byref, c_char_p, c_size_t, c_void_p
from typing import Any, List, Optional, Sequence, Union

import numpy as np

from . import _arrays
from ._lib import LIBRARY_PATH, lib, optional_function
from .config import Config
from .errors import DataError, InvalidArgumentError, SchemaError, StateError, Status, error_for
from .result import Result, read_result, report_json

PathLike = Union[str, "os.PathLike[str]"]


def _path(path: PathLike) -> bytes:
    return os.fsencode(os.fspath(path))


class Monitor:
    """A drift monitor.

    Typical use::

        with Monitor(sensitivity="medium") as m:
            m.set_baseline(validation_df)          # feature names from the columns
            m.baseline_returns(validation_returns)
            m.observe(live_df)                      # columns matched by name
            m.observe_returns(live_returns)
            result = m.detect()

    Args:
        config: a :class:`Config` (copied by the library; may be closed afterwards).
        model: the model's name, written in the report.
        **params: parameters by name (``sensitivity="high", window_size=500``),
            instead of `config`.

    Every method raises a :class:`PdriftError` subclass on failure, carrying
    the library's detailed message (pdrift_errmsg).
    """

    def __init__(self, config: Optional[Config] = None, *, model: Optional[str] = None,
                 **params: Any):
        if config is not None and params:
            raise InvalidArgumentError("give either a Config or parameters, not both", "Monitor")
        own = Config(**params) if params else None
        handle = c_void_p()
        try:
            source = config if config is not None else own
            rc = lib.pdrift_monitor_new(byref(handle), source.handle if source else None)
        finally:
            if own is not None:
                own.close()
        if rc != 0:
            raise error_for(rc, "", "pdrift_monitor_new")
        self._handle: Optional[int] = handle.value
        self._lock = threading.Lock()
        if model is not None:
            self.model = model

    # -- lifetime ------------------------------------------------------------
    def close(self) -> None:
        """Free the monitor (pdrift_monitor_free); idempotent. Later calls raise StateError."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle:
                lib.pdrift_monitor_free(handle)

    def __enter__(self) -> "Monitor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            self._handle = None
            lib.pdrift_monitor_free(handle)

    @property
    def closed(self) -> bool:
        return not self._handle

    def _open(self, function: str) -> int:
        if not self._handle:
            raise StateError("the monitor is closed", function)
        return self._handle

    def _check(self, rc: int, handle: int, function: str) -> None:
        if rc != 0:
            raise error_for(rc, lib.pdrift_errmsg(handle).decode(errors="replace"), function)

    def _call(self, function: str, *args: Any) -> None:
        """C `function`(monitor, *args) under the lock; raise on failure."""
        with self._lock:
            handle = self._open(function)
            self._check(getattr(lib, function)(handle, *args), handle, function)

    # -- the baseline ----------------------------------------------------------
    def set_baseline(self, data: Any, names: Optional[Sequence[str]] = None) -> None:
        """Set the feature baseline from memory (pdrift_baseline_set).

        Args:
            data: a pandas DataFrame (one column per feature) or a 2-D array
                (rows x features). NaN is a missing value.
            names: feature names. For a DataFrame, the columns to use (default:
                all, which must then be numeric); for an array, one per column
                (default ``x0, x1, ...``).

        Replaces any previous baseline and clears the observed rows.

        Raises:
            DataError: a feature has no value at all (every row NaN): it could
                never be tested, and in memory that is a wrong column or a
                failed join. (The CSV loader reports it insufficient_data.)
            SchemaError: a column named in `names` is missing from the DataFrame.
        """
        if _arrays.is_frame(data):
            columns = [str(c) for c in data.columns] if names is None else [str(n) for n in names]
            rows = _arrays.frame_columns(data, self._frame_lookup(data, columns, "set_baseline"))
        else:
            rows = _arrays.matrix(data, "the baseline")
            columns = (["x%d" % i for i in range(rows.shape[1])] if names is None
                       else [str(n) for n in names])
            if len(columns) != rows.shape[1]:
                raise InvalidArgumentError("%d names for %d columns" % (len(columns), rows.shape[1]),
                                           "set_baseline")
        if rows.shape[0] > 0:
            empty = np.isnan(np.fmax.reduce(rows, axis=0))  # fmax skips NaN: NaN iff all NaN
            if empty.any():
                raise DataError("no value in the baseline (every row is NaN) for feature%s %s" % (
                    "s" if empty.sum() > 1 else "",
                    ", ".join(repr(columns[j]) for j in np.flatnonzero(empty))), "set_baseline")
        c_names = (c_char_p * len(columns))(*(n.encode() for n in columns))
        self._call("pdrift_baseline_set", c_names, len(columns),
                   _arrays.pointer(data, rows), rows.shape[0])

    def load_baseline(self, path: PathLike) -> None:
        """Load the baseline from a CSV file or a snapshot written by
        :meth:`save_baseline` (pdrift_baseline_load recognises it)."""
        self._call("pdrift_baseline_load", _path(path))

    def save_baseline(self, path: PathLike) -> None:
        """Write the baseline as a binary snapshot (pdrift_baseline_save), for
        :meth:`load_baseline` in production.

        Raises:
            NotImplementedError: the loaded library predates pdrift_baseline_save.
        """
        fn = optional_function("pdrift_baseline_save")
        if fn is None:
            raise NotImplementedError(
                "save_baseline needs pdrift_baseline_save, which %s does not export; "
                "use a newer libploutosdrift (baseline snapshots)" % LIBRARY_PATH)
        with self._lock:
            handle = self._open("pdrift_baseline_save")
            self._check(fn(handle, _path(path)), handle, "pdrift_baseline_save")

    def baseline_returns(self, returns: Any) -> None:
        """Baseline trading performance from the validation period's simple
        returns (pdrift_baseline_returns)."""
        arr, ptr, n = _arrays.pass_vector(returns, "returns")
        self._call("pdrift_baseline_returns", ptr, n)

    def baseline_metrics(self, sharpe: float = math.nan, max_drawdown: float = math.nan,
                         win_rate: float = math.nan) -> None:
        """Baseline trading performance from known numbers (NaN: unknown)
        (pdrift_baseline_metrics)."""
        self._call("pdrift_baseline_metrics", float(sharpe), float(max_drawdown), float(win_rate))

    def baseline_errors(self, errors: Any) -> None:
        """Reference errors for concept drift: the validated model's errors
        (0/1 or losses >= 0) in time order (pdrift_baseline_errors)."""
        arr, ptr, n = _arrays.pass_vector(errors, "errors")
        self._call("pdrift_baseline_errors", ptr, n)

    # -- observations ----------------------------------------------------------
    def observe(self, data: Any) -> None:
        """Append production rows to the window (pdrift_observe_batch).

        Args:
            data: a pandas DataFrame, whose columns are matched to the
                baseline's features by name (reordered as needed; extra columns
                are ignored; a missing one raises SchemaError), or an array of
                rows x features in the baseline's order (a 1-D array is one
                row). NaN is a missing value.
        """
        with self._lock:
            handle = self._open("observe")
            names = self._feature_names(handle, function="observe")
            if _arrays.is_frame(data):
                rows = _arrays.frame_columns(data, self._frame_lookup(data, names, "observe"))
            else:
                rows = _arrays.matrix(np.reshape(data, (1, -1)) if np.ndim(data) == 1 else data,
                                      "the observed rows")
                if rows.shape[1] != len(names):
                    raise SchemaError("%d columns, but the baseline has %d features (%s)"
                                      % (rows.shape[1], len(names), ", ".join(names)), "observe")
            self._check(lib.pdrift_observe_batch(handle, _arrays.pointer(data, rows), rows.shape[0]),
                        handle, "pdrift_observe_batch")

    def load_observations(self, path: PathLike) -> None:
        """Append the rows of a CSV file, columns matched by name (pdrift_observe_load)."""
        self._call("pdrift_observe_load", _path(path))

    def observe_returns(self, returns: Any) -> None:
        """Append live returns (pdrift_observe_returns)."""
        arr, ptr, n = _arrays.pass_vector(returns, "returns")
        self._call("pdrift_observe_returns", ptr, n)

    def observe_errors(self, errors: Any) -> None:
        """Append live errors of the model (pdrift_observe_errors)."""
        arr, ptr, n = _arrays.pass_vector(errors, "errors")
        self._call("pdrift_observe_errors", ptr, n)

    def reset_window(self) -> None:
        """Empty the window: observed rows, returns and live errors (pdrift_window_reset)."""
        self._call("pdrift_window_reset")

    # -- detection ---------------------------------------------------------------
    def detect(self) -> Result:
        """Run every check that has data (pdrift_detect) and return the result."""
        with self._lock:
            handle = self._open("pdrift_detect")
            self._check(lib.pdrift_detect(handle), handle, "pdrift_detect")
            return read_result(handle, self._feature_names(handle, required=False))

    def report_json(self) -> str:
        """The last detection's JSON report, as text (pdrift_report_json)."""
        with self._lock:
            return report_json(self._open("pdrift_report_json"))

    # -- properties --------------------------------------------------------------
    @property
    def feature_names(self) -> List[str]:
        """The baseline's feature names, in order ([] without a baseline)."""
        with self._lock:
            return self._feature_names(self._open("feature_names"), required=False)

    @property
    def model(self) -> Optional[str]:
        return getattr(self, "_model", None)

    @model.setter
    def model(self, name: Optional[str]) -> None:
        """The model's name, written in the report (pdrift_monitor_set_model)."""
        self._call("pdrift_monitor_set_model", None if name is None else str(name).encode())
        self._model = name

    def _feature_names(self, handle: int, required: bool = True,
                       function: str = "pdrift_feature_count") -> List[str]:
        count = c_size_t()
        rc = lib.pdrift_feature_count(handle, byref(count))
        if rc == Status.ESTATE:
            if not required:
                return []
            raise StateError("no baseline yet: call set_baseline() or load_baseline() first",
                             function)
        self._check(rc, handle, "pdrift_feature_count")
        return [lib.pdrift_feature_name(handle, i).decode(errors="replace")
                for i in range(count.value)]

    @staticmethod
    def _frame_lookup(frame: Any, names: Sequence[str], function: str) -> List[Any]:
        """The DataFrame's column labels for `names` (labels compared as str)."""
        labels = {str(c): c for c in frame.columns}
        missing = [n for n in names if n not in labels]
        if missing:
            raise SchemaError("the DataFrame lacks column%s %s (it has: %s)" % (
                "s" if len(missing) > 1 else "", ", ".join(map(repr, missing)),
                ", ".join(map(repr, labels))), function)
        return [labels[n] for n in names]

    def __repr__(self) -> str:
        if self.closed:
            return "<Monitor closed>"
        names = self.feature_names
        return "<Monitor %d features%s>" % (len(names), ", model %r" % self.model if self.model else "")
