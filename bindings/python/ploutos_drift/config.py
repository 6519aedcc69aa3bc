"""Configuration: the monitor's parameters, by name.

Parameter names are the library's (pdrift_param_name / pdrift_param_from_name:
``"psi_threshold"``, ``"window_size"``, ...); docs and bounds are in
include/ploutos_drift.h. Integer parameters whose values are an enumeration
also accept the enum or its word: ``cfg.set("correction", "holm")``.
"""
from __future__ import annotations

import functools
import numbers
from ctypes import byref, c_double, c_int, c_longlong, c_void_p
from typing import Any, Dict, Iterator, NamedTuple, Optional, Union

from ._lib import lib
from .enums import (AddmRule, Binning, Correction, EmptyBins, KsMethod, NanPolicy, ParamType,
                    Sensitivity)
from .errors import (InvalidArgumentError, OutOfMemoryError, OutOfRangeError, ParameterError,
                     error_for)

# Integer parameters that take the values of an enum.
_ENUM_PARAMS = {
    "sensitivity": Sensitivity,
    "nan_policy": NanPolicy,
    "correction": Correction,
    "psi_binning": Binning,
    "psi_empty_bins": EmptyBins,
    "ks_method": KsMethod,
    "addm_rule": AddmRule,
}


class ParamInfo(NamedTuple):
    """A parameter: its C enum value, name, type and closed bounds."""
    id: int
    name: str
    type: ParamType
    lo: float
    hi: float


def param_info(name: str) -> ParamInfo:
    """Look a parameter up by name (pdrift_param_from_name, pdrift_param_bounds).

    Raises:
        ParameterError: no parameter has that name.
    """
    pid = c_int()
    rc = lib.pdrift_param_from_name(str(name).encode(), byref(pid))
    if rc != 0:
        raise ParameterError("unknown parameter %r (known: %s)" % (name, ", ".join(param_names())),
                             "pdrift_param_from_name")
    ptype, lo, hi = c_int(), c_double(), c_double()
    rc = lib.pdrift_param_bounds(pid.value, byref(ptype), byref(lo), byref(hi))
    if rc != 0:
        raise error_for(rc, "parameter %r" % (name,), "pdrift_param_bounds")
    return ParamInfo(pid.value, str(name), ParamType(ptype.value), lo.value, hi.value)


@functools.lru_cache(maxsize=None)
def _all_param_names() -> "tuple[str, ...]":
    names = []
    for pid in range(1, 1000):  # the enum is grouped by hundreds
        name = lib.pdrift_param_name(pid)
        if name is not None:
            names.append(name.decode())
    return tuple(names)


def param_names() -> "list[str]":
    """Every parameter name the library knows (pdrift_param_name), in enum order."""
    return list(_all_param_names())


class Config:
    """A set of parameters (pdrift_config), read by :class:`Monitor`.

    ``Config(sensitivity="high", window_size=500)`` is the same as setting each
    item in turn. An explicit setting always wins over the sensitivity preset.
    ``cfg["alpha"]`` reads the effective value (preset applied).
    """

    def __init__(self, sensitivity: Union[str, Sensitivity, None] = None, **params: Any):
        handle = c_void_p()
        rc = lib.pdrift_config_new(byref(handle))
        if rc != 0:
            raise error_for(rc, "", "pdrift_config_new")
        if not handle.value:
            raise OutOfMemoryError("", "pdrift_config_new")
        self._handle: Optional[int] = handle.value
        if sensitivity is not None:
            self.set("sensitivity", sensitivity)
        for name, value in params.items():
            self.set(name, value)

    # -- the handle ----------------------------------------------------------
    @property
    def handle(self) -> int:
        """The pdrift_config * (an int), for the monitor."""
        if not self._handle:
            raise InvalidArgumentError("the config is closed", "Config")
        return self._handle

    def close(self) -> None:
        """Free the C config (pdrift_config_free); idempotent."""
        handle, self._handle = self._handle, None
        if handle:
            lib.pdrift_config_free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __enter__(self) -> "Config":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parameters ----------------------------------------------------------
    def set(self, name: str, value: Any) -> "Config":
        """Set a parameter by name (pdrift_config_set_int / _double); returns self.

        Raises:
            ParameterError: unknown name.
            OutOfRangeError: outside the parameter's bounds (see :func:`param_info`).
            InvalidArgumentError: a value of the wrong kind (a fraction for an
                integer parameter, an unknown enum word).
        """
        info = param_info(name)
        if info.type == ParamType.INT:
            rc = lib.pdrift_config_set_int(self.handle, info.id, _int_value(info, value))
            function = "pdrift_config_set_int"
        else:
            rc = lib.pdrift_config_set_double(self.handle, info.id, _double_value(info, value))
            function = "pdrift_config_set_double"
        if rc != 0:
            raise error_for(rc, "%s = %r (bounds [%g, %g])" % (name, value, info.lo, info.hi),
                            function)
        return self

    def get(self, name: str) -> Union[int, float]:
        """The effective value of a parameter (an enum member for enum parameters)."""
        info = param_info(name)
        if info.type == ParamType.INT:
            iv = c_longlong()
            rc = lib.pdrift_config_get_int(self.handle, info.id, byref(iv))
            value: Union[int, float] = iv.value
        else:
            dv = c_double()
            rc = lib.pdrift_config_get_double(self.handle, info.id, byref(dv))
            value = dv.value
        if rc != 0:
            raise error_for(rc, name, "pdrift_config_get")
        enum_cls = _ENUM_PARAMS.get(info.name)
        return enum_cls(value) if enum_cls else value

    __getitem__ = get

    def __setitem__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def to_dict(self) -> Dict[str, Union[int, float]]:
        """Every parameter's effective value, by name."""
        return {name: self.get(name) for name in param_names()}

    def __iter__(self) -> Iterator[str]:
        return iter(param_names())

    def __repr__(self) -> str:
        return "Config(sensitivity=%s)" % (self.get("sensitivity") if self._handle else "<closed>")


def _int_value(info: ParamInfo, value: Any) -> int:
    enum_cls = _ENUM_PARAMS.get(info.name)
    if enum_cls is not None and isinstance(value, str):
        try:
            return int(enum_cls(value))
        except ValueError:
            raise InvalidArgumentError("%s must be one of %s, not %r" % (
                info.name, ", ".join(str(m) for m in enum_cls), value), "Config.set") from None
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real)
                                               and float(value).is_integer()):
        v = int(value)
        if -2**63 <= v < 2**63:
            return v
        raise OutOfRangeError("%s = %r does not fit a long long" % (info.name, value), "Config.set")
    raise InvalidArgumentError("%s is an integer parameter, not %r" % (info.name, value),
                               "Config.set")


def _double_value(info: ParamInfo, value: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise InvalidArgumentError("%s is a real parameter, not %r" % (info.name, value),
                               "Config.set")
