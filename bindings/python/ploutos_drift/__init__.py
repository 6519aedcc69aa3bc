"""ploutos_drift — Python binding of libploutosdrift (drift monitoring for
trading models), through ctypes.

The C library is loaded at import: from the path in the environment variable
``PDRIFT_LIBRARY``, else by its soname ``libploutosdrift.so.1``. Its major
version must be the one this binding was written for.

Statistics (stateless, thread-safe)::

    ks_2samp(x, y, method="auto") -> KstestResult(statistic, pvalue)   # as scipy
    kstwo_sf(d, n), psi(baseline, current, bins=10) -> PsiResult(psi, pvalue)
    sharpe(returns, periods_per_year=252), max_drawdown(returns), win_rate(returns)
    addm(reference_errors, window_errors) -> AddmResult(level, severity_weight)

Monitoring::

    with Monitor(sensitivity="medium") as m:
        m.set_baseline(validation_df)       # or (array, names=[...]), or m.load_baseline(path)
        m.observe(live_df)
        result = m.detect()                 # Result: severity, action, features, report, ...
        print(result.to_frame())

Errors raise :class:`PdriftError` subclasses (one per pdrift_status code).
"""
from __future__ import annotations

from ._lib import LIBRARY_PATH, PDRIFT_VERSION_MAJOR
from ._lib import lib as _cdll
from .config import Config, ParamInfo, param_info, param_names
from .enums import (Action, AddmRule, Binning, CheckStatus, Correction, DriftType, EmptyBins,
                    FeatureStatus, Gate, KsMethod, Level, NanPolicy, ParamType, Severity,
                    Sensitivity)
from .errors import (BufferTooSmallError, CorruptSnapshotError, DataError, InvalidArgumentError,
                     NumericalError, OutOfMemoryError, OutOfRangeError, ParameterError,
                     ParseError, PdriftError, PdriftIOError, SchemaError, SnapshotVersionError,
                     StateError, Status, error_for)
from .monitor import Monitor
from .result import FeatureResult, Result
from .stats import (AddmResult, KstestResult, PsiResult, addm, ks_2samp, kstwo_sf, max_drawdown,
                    psi, sharpe, win_rate)

#: The version of this binding (it follows the library's version it was written for).
__version__ = "1.0.0"


def library_version() -> str:
    """The loaded library's version, "MAJOR.MINOR.PATCH" (pdrift_version_string)."""
    return _cdll.pdrift_version_string().decode()


def library_version_number() -> int:
    """The loaded library's MAJOR*10000 + MINOR*100 + PATCH (pdrift_version_number)."""
    return int(_cdll.pdrift_version_number())


__all__ = [
    "LIBRARY_PATH", "PDRIFT_VERSION_MAJOR", "library_version", "library_version_number",
    # statistics
    "ks_2samp", "kstwo_sf", "psi", "sharpe", "max_drawdown", "win_rate", "addm",
    "KstestResult", "PsiResult", "AddmResult",
    # configuration and monitor
    "Config", "ParamInfo", "param_info", "param_names", "Monitor", "Result", "FeatureResult",
    # enums
    "Action", "AddmRule", "Binning", "CheckStatus", "Correction", "DriftType", "EmptyBins",
    "FeatureStatus", "Gate", "KsMethod", "Level", "NanPolicy", "ParamType", "Severity",
    "Sensitivity",
    # errors
    "PdriftError", "Status", "error_for", "InvalidArgumentError", "OutOfMemoryError",
    "StateError", "BufferTooSmallError", "PdriftIOError", "ParseError", "ParameterError",
    "OutOfRangeError", "NumericalError", "DataError", "SchemaError", "SnapshotVersionError",
    "CorruptSnapshotError",
]
