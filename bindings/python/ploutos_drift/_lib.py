"""Loading libploutosdrift and declaring its functions for ctypes.

The library is found through the environment variable ``PDRIFT_LIBRARY`` (a
path), then by its soname ``libploutosdrift.so.1`` on the dynamic loader's
search path. Every function used by the binding is declared here with its
``argtypes`` and ``restype``, from include/ploutos_drift.h.

ctypes releases the GIL for the duration of every call through a ``CDLL``, so
long computations (a KS test on millions of values, a detection) let other
Python threads run.
"""
from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_longlong, c_size_t, c_uint, c_void_p
from typing import Optional

#: The major version this binding was written for (PDRIFT_VERSION_MAJOR).
PDRIFT_VERSION_MAJOR = 1
#: The soname the binding loads when PDRIFT_LIBRARY is not set.
SONAME = "libploutosdrift.so.%d" % PDRIFT_VERSION_MAJOR
ENV_VAR = "PDRIFT_LIBRARY"

c_double_p = POINTER(c_double)
c_size_t_p = POINTER(c_size_t)
c_int_p = POINTER(c_int)
c_uint_p = POINTER(c_uint)

# name: (restype, argtypes). Enums are C ints; opaque handles are void *.
_PROTOTYPES = {
    "pdrift_strerror": (c_char_p, [c_int]),
    "pdrift_version_number": (c_uint, []),
    "pdrift_version_string": (c_char_p, []),
    # statistics
    "pdrift_ks_2samp": (c_int, [c_double_p, c_size_t, c_double_p, c_size_t, c_int,
                                c_double_p, c_double_p]),
    "pdrift_kstwo_sf": (c_double, [c_double, c_double]),
    "pdrift_psi": (c_int, [c_double_p, c_size_t, c_double_p, c_size_t, c_uint,
                           c_double_p, c_double_p]),
    "pdrift_sharpe": (c_int, [c_double_p, c_size_t, c_double, c_double_p]),
    "pdrift_max_drawdown": (c_int, [c_double_p, c_size_t, c_double_p]),
    "pdrift_win_rate": (c_int, [c_double_p, c_size_t, c_double_p]),
    "pdrift_addm": (c_int, [c_double_p, c_size_t, c_double_p, c_size_t, c_int_p, c_double_p]),
    # configuration
    "pdrift_config_new": (c_int, [POINTER(c_void_p)]),
    "pdrift_config_free": (None, [c_void_p]),
    "pdrift_config_set_int": (c_int, [c_void_p, c_int, c_longlong]),
    "pdrift_config_set_double": (c_int, [c_void_p, c_int, c_double]),
    "pdrift_config_get_int": (c_int, [c_void_p, c_int, POINTER(c_longlong)]),
    "pdrift_config_get_double": (c_int, [c_void_p, c_int, c_double_p]),
    "pdrift_param_name": (c_char_p, [c_int]),
    "pdrift_param_from_name": (c_int, [c_char_p, c_int_p]),
    "pdrift_param_bounds": (c_int, [c_int, c_int_p, c_double_p, c_double_p]),
    # the monitor
    "pdrift_monitor_new": (c_int, [POINTER(c_void_p), c_void_p]),
    "pdrift_monitor_free": (None, [c_void_p]),
    "pdrift_errmsg": (c_char_p, [c_void_p]),
    "pdrift_monitor_set_model": (c_int, [c_void_p, c_char_p]),
    "pdrift_baseline_load": (c_int, [c_void_p, c_char_p]),
    "pdrift_baseline_set": (c_int, [c_void_p, POINTER(c_char_p), c_size_t, c_double_p, c_size_t]),
    "pdrift_observe_batch": (c_int, [c_void_p, c_double_p, c_size_t]),
    "pdrift_observe_load": (c_int, [c_void_p, c_char_p]),
    "pdrift_window_reset": (c_int, [c_void_p]),
    "pdrift_baseline_returns": (c_int, [c_void_p, c_double_p, c_size_t]),
    "pdrift_baseline_metrics": (c_int, [c_void_p, c_double, c_double, c_double]),
    "pdrift_observe_returns": (c_int, [c_void_p, c_double_p, c_size_t]),
    "pdrift_baseline_errors": (c_int, [c_void_p, c_double_p, c_size_t]),
    "pdrift_observe_errors": (c_int, [c_void_p, c_double_p, c_size_t]),
    "pdrift_feature_count": (c_int, [c_void_p, c_size_t_p]),
    "pdrift_feature_name": (c_char_p, [c_void_p, c_size_t]),
    "pdrift_detect": (c_int, [c_void_p]),
    "pdrift_report_json": (c_int, [c_void_p, c_char_p, c_size_t, c_size_t_p]),
    # results
    "pdrift_result_drift_types": (c_int, [c_void_p, c_uint_p]),
    "pdrift_result_drift_type": (c_int, [c_void_p, c_uint_p]),
    "pdrift_result_severity": (c_int, [c_void_p, c_int_p]),
    "pdrift_result_action": (c_int, [c_void_p, c_int_p]),
    "pdrift_result_get": (c_int, [c_void_p, c_int, c_double_p]),
    "pdrift_result_feature": (c_int, [c_void_p, c_size_t, c_int, c_double_p]),
    "pdrift_result_drifted": (c_int, [c_void_p, c_size_t, c_size_t_p]),
    "pdrift_result_recommendation": (c_int, [c_void_p, c_size_t, POINTER(c_char_p)]),
}

# Functions newer than some libraries of the same major version: declared on
# first use (optional_function), so that importing never fails for them.
_OPTIONAL_PROTOTYPES = {
    # issue 8: a versioned binary snapshot of the baseline
    "pdrift_baseline_save": (c_int, [c_void_p, c_char_p]),
}


def check_version(number: int, where: str) -> None:
    """Refuse a library of another major version (PDRIFT_VERSION_NUMBER semantics:
    MAJOR*10000 + MINOR*100 + PATCH). Raises ImportError."""
    major = number // 10000
    if major != PDRIFT_VERSION_MAJOR:
        raise ImportError(
            "ploutos_drift: %s is libploutosdrift %d.%d.%d, but this binding needs major "
            "version %d" % (where, major, number // 100 % 100, number % 100, PDRIFT_VERSION_MAJOR))


def _open() -> "tuple[ctypes.CDLL, str]":
    path = os.environ.get(ENV_VAR)
    if path:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            raise ImportError("ploutos_drift: cannot load %s=%s: %s" % (ENV_VAR, path, e)) from e
    try:
        return ctypes.CDLL(SONAME), SONAME
    except OSError as e:
        raise ImportError(
            "ploutos_drift: libploutosdrift not found: set %s to the library's path (e.g. "
            "build/%s) or install it so that the dynamic loader finds %s (%s)"
            % (ENV_VAR, SONAME, SONAME, e)) from e


def _declare(lib: ctypes.CDLL, name: str, prototype) -> "ctypes._CFuncPtr":
    fn = getattr(lib, name)
    fn.restype, fn.argtypes = prototype
    return fn


def _load() -> "tuple[ctypes.CDLL, str]":
    lib, where = _open()
    for name, prototype in _PROTOTYPES.items():
        try:
            _declare(lib, name, prototype)
        except AttributeError as e:
            raise ImportError("ploutos_drift: %s lacks %s: not a libploutosdrift %d.x"
                              % (where, name, PDRIFT_VERSION_MAJOR)) from e
    check_version(lib.pdrift_version_number(), where)
    return lib, where


lib, LIBRARY_PATH = _load()


def optional_function(name: str) -> "Optional[ctypes._CFuncPtr]":
    """The declared function `name` of _OPTIONAL_PROTOTYPES, or None when the
    loaded library does not export it (looked up at every call: cheap, and a
    rebuilt library is not expected to appear under a loaded handle anyway)."""
    try:
        return _declare(lib, name, _OPTIONAL_PROTOTYPES[name])
    except AttributeError:
        return None


def strerror(code: int) -> str:
    """pdrift_strerror: the static English text of a status code."""
    return lib.pdrift_strerror(code).decode()
