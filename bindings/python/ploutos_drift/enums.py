"""The library's enumerations as Python enums.

Each is an ``IntEnum`` (or ``IntFlag``) holding the C value, ordered where the
C enum is (``Severity.HIGH > Severity.LOW``). ``str()`` of a member is the
lower-case word the JSON report uses (``str(Severity.HIGH) == "high"``), and a
member can be looked up by that word: ``Severity("high")``.
"""
from __future__ import annotations

import enum


class _Named(enum.IntEnum):
    def __str__(self) -> str:
        return self.name.lower()

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else int.__format__(int(self), spec)

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, str):
            return cls.__members__.get(value.upper())
        return None


class Severity(_Named):
    """pdrift_severity, ordered: none < low < medium < high."""
    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Action(_Named):
    """pdrift_action: the recommended reaction."""
    CONTINUE = 0  #: no drift: keep the current model
    WATCH = 1     #: keep trading, watch closely, retrain if it persists
    RETRAIN = 2   #: retrain the model on recent data
    FALLBACK = 3  #: stop the live model, switch to the fallback, retrain


class DriftType(enum.IntFlag):
    """pdrift_drift_type: bits of a mask (``DriftType.DATA | DriftType.MODEL``)."""
    DATA = 1     #: the features' distribution moved
    CONCEPT = 2  #: the error stream changed regime
    MODEL = 4    #: trading performance degraded

    def __str__(self) -> str:
        return ",".join(m.name.lower() for m in DriftType if m in self)


class FeatureStatus(_Named):
    """pdrift_feature_status: the verdict on one feature."""
    OK = 0
    DRIFT = 1
    INSUFFICIENT_DATA = 2


class CheckStatus(_Named):
    """pdrift_check_status: of model drift and concept drift."""
    NOT_MONITORED = 0
    OK = 1
    DRIFT = 2
    INSUFFICIENT_DATA = 3
    WARNING = 4


class Level(_Named):
    """pdrift_level: the decision of a concept-drift detector (ADDM)."""
    NONE = 0
    WARNING = 1
    DRIFT = 2
    INSUFFICIENT_DATA = 3


class Gate(enum.IntFlag):
    """Which per-feature rule fired (PDRIFT_FEATURE_GATES)."""
    PSI = 1
    KS = 2
    MISSING = 4


class KsMethod(_Named):
    """pdrift_ks_method: scipy's ``method`` of ks_2samp."""
    AUTO = 0
    EXACT = 1
    ASYMP = 2


class Sensitivity(_Named):
    """pdrift_sensitivity: how readily drift is reported (SPEC §3.2)."""
    LOW = 0
    MEDIUM = 1
    HIGH = 2


class NanPolicy(_Named):
    """pdrift_nan_policy: what a NaN in observed or baseline rows means."""
    MISSING = 0
    REJECT = 1


class Correction(_Named):
    """pdrift_correction of the KS p-values for testing many features."""
    BH = 0
    NONE = 1
    BONFERRONI = 2
    HOLM = 3


class Binning(_Named):
    """pdrift_binning: how the PSI bins are placed."""
    QUANTILE = 0
    EQUAL_WIDTH = 1


class EmptyBins(_Named):
    """pdrift_empty_bins: what an empty PSI bin contributes."""
    EPSILON = 0
    SMOOTHING = 1


class AddmRule(_Named):
    """pdrift_addm_rule: how ADDM decides WARNING and DRIFT."""
    MEAN = 0
    OCCUPANCY = 1


class ParamType(_Named):
    """pdrift_param_type: the C type of a parameter's value."""
    INT = 1
    DOUBLE = 2
