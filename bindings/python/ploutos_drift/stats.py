"""The stateless statistics: two-sample KS, kstwo's survival function, PSI,
trading metrics and ADDM. Pure functions, safe from any number of threads;
the GIL is released during each C call.

Inputs are 1-D sequences of numbers; a C-contiguous float64 numpy array is
read in place, anything else is converted once.
"""
from __future__ import annotations

import math
from ctypes import byref, c_double, c_int
from typing import Any, NamedTuple, Union

from . import _arrays
from ._lib import lib
from .enums import KsMethod, Level
from .errors import InvalidArgumentError, Status, error_for


class KstestResult(NamedTuple):
    """Result of :func:`ks_2samp`, like scipy's (``statistic, pvalue = ...``)."""
    statistic: float
    pvalue: float


class PsiResult(NamedTuple):
    """Result of :func:`psi`: the index and its chi-square p-value under H0."""
    psi: float
    pvalue: float


class AddmResult(NamedTuple):
    """Result of :func:`addm`: the decision and ADDM's blending weight w."""
    level: Level
    severity_weight: float


# What a stateless function's status means, since it has no monitor to hold a
# detailed message.
_WHY = {
    Status.EINVAL: "an empty sample or an invalid argument",
    Status.EDATA: "a NaN or a value the function does not accept",
}


def _check(rc: int, function: str, why: str = "") -> None:
    if rc != 0:
        raise error_for(rc, why or _WHY.get(rc, ""), function)


def ks_2samp(x: Any, y: Any, method: Union[str, KsMethod] = "auto", *,
             alternative: str = "two-sided") -> KstestResult:
    """Two-sided two-sample Kolmogorov–Smirnov test (pdrift_ks_2samp).

    Numerically equal to ``scipy.stats.ks_2samp(x, y, method=method)`` of
    scipy 1.10: the statistic bit for bit, the p-value to 1e-12 relative.

    Args:
        x, y: the two samples (at least one value each; no NaN).
        method: ``"auto"`` (exact if max(len) <= 10000), ``"exact"`` or ``"asymp"``.
        alternative: only ``"two-sided"`` (accepted for scipy compatibility).

    Raises:
        InvalidArgumentError: an empty sample or an unknown method.
        DataError: a NaN in either sample.
    """
    if alternative != "two-sided":
        raise InvalidArgumentError("only alternative='two-sided' is implemented",
                                   "ks_2samp")
    try:
        code = KsMethod(method)
    except ValueError:
        raise InvalidArgumentError("method must be 'auto', 'exact' or 'asymp', not %r"
                                   % (method,), "ks_2samp") from None
    xa, xp, nx = _arrays.pass_vector(x, "x")
    ya, yp, ny = _arrays.pass_vector(y, "y")
    d, p = c_double(), c_double()
    rc = lib.pdrift_ks_2samp(xp, nx, yp, ny, code, byref(d), byref(p))
    _check(rc, "pdrift_ks_2samp", {
        Status.EINVAL: "both samples need at least one value",
        Status.EDATA: "x or y holds a NaN",
    }.get(rc, ""))
    return KstestResult(d.value, p.value)


def kstwo_sf(d: float, n: float) -> float:
    """P(D_n >= d) of the one-sample two-sided KS statistic, equal to
    ``scipy.stats.kstwo.sf(d, n)`` (pdrift_kstwo_sf). NaN for an invalid n."""
    return lib.pdrift_kstwo_sf(float(d), float(n))


def psi(baseline: Any, current: Any, bins: int = 10) -> PsiResult:
    """Population Stability Index of `current` against `baseline` (pdrift_psi).

    Quantile bins of the baseline (type-7 cut points, duplicates removed),
    1e-4 for an empty bin's share; the p-value is the chi-square approximation
    of Yurdakul (2018).

    Raises:
        InvalidArgumentError: an empty sample or `bins` outside [2, 10000].
        DataError: a NaN, or fewer values than bins in either sample.
    """
    if not 2 <= int(bins) <= 10000:
        raise InvalidArgumentError("bins must be in [2, 10000], not %r" % (bins,), "psi")
    ba, bp, nb = _arrays.pass_vector(baseline, "baseline")
    ca, cp, nc = _arrays.pass_vector(current, "current")
    value, p = c_double(), c_double()
    rc = lib.pdrift_psi(bp, nb, cp, nc, int(bins), byref(value), byref(p))
    _check(rc, "pdrift_psi", {
        Status.EDATA: "a NaN, or fewer values than bins (%d) in a sample" % int(bins),
    }.get(rc, ""))
    return PsiResult(value.value, p.value)


def _metric(function: str, returns: Any, *extra: float) -> float:
    arr, ptr, n = _arrays.pass_vector(returns, "returns")
    out = c_double()
    rc = getattr(lib, function)(ptr, n, *extra, byref(out))
    _check(rc, function, {
        Status.EINVAL: "no returns" if n == 0 else "invalid argument",
        Status.EDATA: "a NaN or infinite return",
    }.get(rc, ""))
    return out.value


def sharpe(returns: Any, periods_per_year: float = 252.0) -> float:
    """Annualised Sharpe ratio, risk-free rate 0: mean / sd (n - 1) * sqrt(P)
    (pdrift_sharpe). NaN for fewer than 2 returns or constant returns."""
    if not (math.isfinite(periods_per_year) and periods_per_year > 0):
        raise InvalidArgumentError("periods_per_year must be finite and > 0", "sharpe")
    return _metric("pdrift_sharpe", returns, float(periods_per_year))


def max_drawdown(returns: Any) -> float:
    """Maximum drawdown of the equity curve starting at 1, a fraction in
    [-1, 0] (-0.25 is a 25% drawdown) (pdrift_max_drawdown)."""
    return _metric("pdrift_max_drawdown", returns)


def win_rate(returns: Any) -> float:
    """Share of winning returns among non-zero ones, NaN if all are zero
    (pdrift_win_rate)."""
    return _metric("pdrift_win_rate", returns)


def addm(reference_errors: Any, window_errors: Any) -> AddmResult:
    """ADDM concept-drift decision on two error series with the default
    (medium) parameters (pdrift_addm).

    Args:
        reference_errors: the validated model's errors (>= 0), in time order;
            at least 69 values (window + k - 1).
        window_errors: the latest live errors, at least 60.
    """
    ra, rp, nr = _arrays.pass_vector(reference_errors, "reference_errors")
    wa, wp, nw = _arrays.pass_vector(window_errors, "window_errors")
    level, weight = c_int(), c_double()
    rc = lib.pdrift_addm(rp, nr, wp, nw, byref(level), byref(weight))
    _check(rc, "pdrift_addm", {
        Status.EINVAL: "empty error series",
        Status.EDATA: "a negative or non-finite error",
    }.get(rc, ""))
    return AddmResult(Level(level.value), weight.value)
