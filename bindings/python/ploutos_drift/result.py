"""The result of a detection: a snapshot read from the monitor right after
pdrift_detect, independent of later calls on the monitor."""
from __future__ import annotations

import dataclasses
import json
import math
from ctypes import byref, c_char_p, c_double, c_int, c_size_t, c_uint, create_string_buffer
from typing import Any, Dict, List, Optional

from ._lib import lib
from .enums import Action, CheckStatus, DriftType, FeatureStatus, Gate, Level, Severity
from .errors import Status, error_for

# pdrift_result_key, by name (the C name without PDRIFT_RESULT_, lower case).
RESULT_KEYS = {
    "psi_max": 1, "n_features": 2, "n_drifted": 3, "n_insufficient": 4, "data_severity": 5,
    "n_recommendations": 6, "n_baseline_rows": 7, "n_current_rows": 8, "model_status": 9,
    "model_severity": 10, "sharpe_baseline": 11, "sharpe_current": 12,
    "max_drawdown_baseline": 13, "max_drawdown_current": 14, "win_rate_baseline": 15,
    "win_rate_current": 16, "sharpe_degradation": 17, "drawdown_increase": 18,
    "win_rate_change": 19, "win_rate_pvalue": 20, "n_returns_baseline": 21,
    "n_returns_current": 22, "concept_status": 23, "concept_level": 24, "concept_severity": 25,
    "severity_weight": 26, "addm_threshold": 27, "addm_delta": 28, "concept_fired_at": 29,
    "n_errors_reference": 30, "n_errors_current": 31, "addm_mean_z": 32,
}

# pdrift_feature_key, by FeatureResult field name.
FEATURE_KEYS = {
    "status": 1, "severity": 2, "psi": 3, "psi_pvalue": 4, "psi_critical": 5,
    "ks_statistic": 6, "ks_pvalue": 7, "ks_pvalue_adjusted": 8, "missing_baseline": 9,
    "missing_current": 10, "missing_pvalue": 11, "n_baseline": 12, "n_current": 13,
    "gates": 14, "autocorrelation_time": 15, "psi_pvalue_iid": 16, "ks_pvalue_iid": 17,
    "autocorrelation_time_current": 18,
}

_FEATURE_TYPES = {"status": FeatureStatus, "severity": Severity, "gates": Gate,
                  "n_baseline": int, "n_current": int}


@dataclasses.dataclass(frozen=True)
class FeatureResult:
    """One feature of a detection (pdrift_result_feature); NaN where a number
    does not exist (a PSI that could not be computed)."""
    name: str
    status: FeatureStatus
    severity: Severity
    psi: float
    psi_pvalue: float
    psi_critical: float
    ks_statistic: float
    ks_pvalue: float
    ks_pvalue_adjusted: float
    missing_baseline: float
    missing_current: float
    missing_pvalue: float
    n_baseline: int
    n_current: int
    gates: Gate
    autocorrelation_time: float
    psi_pvalue_iid: float
    ks_pvalue_iid: float
    autocorrelation_time_current: float

    @property
    def drifted(self) -> bool:
        return self.status == FeatureStatus.DRIFT


@dataclasses.dataclass(frozen=True)
class Result:
    """The result of :meth:`Monitor.detect`.

    Attributes:
        severity: overall :class:`Severity` (the maximum over the drift types).
        action: recommended :class:`Action`.
        drift_types: the :class:`DriftType` flags found (``DriftType(0)``: none).
        drift_type: the most severe type (model > concept > data), or None.
        features: per-feature :class:`FeatureResult`, in the baseline's order.
        drifted_features: names of the drifted features, most drifted first.
        recommendations: texts, most severe first.
        values: every overall number of pdrift_result_get, by name
            (``values["psi_max"]``, ``values["sharpe_current"]``, ...; NaN if absent).
        report: the JSON report (docs/report.md) parsed into a dict.
    """
    severity: Severity
    action: Action
    drift_types: DriftType
    drift_type: Optional[DriftType]
    features: List[FeatureResult]
    drifted_features: List[str]
    recommendations: List[str]
    values: Dict[str, float]
    report: Dict[str, Any] = dataclasses.field(repr=False)

    @property
    def drift_detected(self) -> bool:
        return self.severity > Severity.NONE

    @property
    def data_severity(self) -> Severity:
        return Severity(int(self.values["data_severity"]))

    @property
    def model_status(self) -> CheckStatus:
        return CheckStatus(int(self.values["model_status"]))

    @property
    def concept_status(self) -> CheckStatus:
        return CheckStatus(int(self.values["concept_status"]))

    @property
    def concept_level(self) -> Level:
        return Level(int(self.values["concept_level"]))

    def feature(self, name: str) -> FeatureResult:
        """The feature called `name` (KeyError if the baseline has none)."""
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_frame(self) -> Any:
        """The per-feature table as a pandas DataFrame indexed by feature name,
        one column per :class:`FeatureResult` field (enums as their report
        words: ``"drift"``, ``"high"``; gates as the int mask). Needs pandas."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("Result.to_frame needs pandas (Debian: python3-pandas)") from e
        rows = []
        for f in self.features:
            row = dataclasses.asdict(f)
            row["status"], row["severity"], row["gates"] = str(f.status), str(f.severity), int(f.gates)
            rows.append(row)
        columns = [field.name for field in dataclasses.fields(FeatureResult)]
        return pd.DataFrame(rows, columns=columns).set_index("name")

    features_frame = to_frame

    def __str__(self) -> str:
        types = str(self.drift_types) or "none"
        return "severity %s, action %s, drift types %s, %d/%d features drifted" % (
            self.severity, self.action, types, len(self.drifted_features), len(self.features))


def _check(rc: int, handle: int, function: str) -> None:
    if rc != 0:
        raise error_for(rc, lib.pdrift_errmsg(handle).decode(errors="replace"), function)


def report_json(handle: int) -> str:
    """pdrift_report_json with its two-call protocol. The caller holds the lock."""
    need = c_size_t()
    rc = lib.pdrift_report_json(handle, None, 0, byref(need))  # the size needed: ENOBUFS
    if rc != Status.ENOBUFS:
        _check(rc, handle, "pdrift_report_json")
    while True:
        buf = create_string_buffer(need.value)
        rc = lib.pdrift_report_json(handle, buf, need.value, byref(need))
        if rc != Status.ENOBUFS:
            _check(rc, handle, "pdrift_report_json")
            return buf.value.decode()


def read_result(handle: int, feature_names: List[str]) -> Result:
    """Read every result getter after a successful pdrift_detect. The caller holds the lock."""
    out = c_double()
    values: Dict[str, float] = {}
    for name, key in RESULT_KEYS.items():
        rc = lib.pdrift_result_get(handle, key, byref(out))
        values[name] = out.value if rc == 0 else math.nan  # EPARAM: a key older libraries lack

    features = []
    for index, fname in enumerate(feature_names):
        fields: Dict[str, Any] = {"name": fname}
        for field, key in FEATURE_KEYS.items():
            rc = lib.pdrift_result_feature(handle, index, key, byref(out))
            if rc == Status.EPARAM:  # a key older libraries lack (never the typed ones)
                out.value = math.nan
            else:
                _check(rc, handle, "pdrift_result_feature")
            convert = _FEATURE_TYPES.get(field)
            fields[field] = convert(int(out.value)) if convert else out.value
        features.append(FeatureResult(**fields))

    drifted = []
    index_out = c_size_t()
    for rank in range(int(values["n_drifted"])):
        _check(lib.pdrift_result_drifted(handle, rank, byref(index_out)), handle,
               "pdrift_result_drifted")
        drifted.append(feature_names[index_out.value])

    recommendations = []
    text = c_char_p()
    for i in range(int(values["n_recommendations"])):
        _check(lib.pdrift_result_recommendation(handle, i, byref(text)), handle,
               "pdrift_result_recommendation")
        recommendations.append((text.value or b"").decode(errors="replace"))

    mask, one = c_uint(), c_uint()
    _check(lib.pdrift_result_drift_types(handle, byref(mask)), handle, "pdrift_result_drift_types")
    _check(lib.pdrift_result_drift_type(handle, byref(one)), handle, "pdrift_result_drift_type")
    severity, action = c_int(), c_int()
    _check(lib.pdrift_result_severity(handle, byref(severity)), handle, "pdrift_result_severity")
    _check(lib.pdrift_result_action(handle, byref(action)), handle, "pdrift_result_action")

    return Result(severity=Severity(severity.value), action=Action(action.value),
                  drift_types=DriftType(mask.value),
                  drift_type=DriftType(one.value) if one.value else None,
                  features=features, drifted_features=drifted,
                  recommendations=recommendations, values=values,
                  report=json.loads(report_json(handle)))
