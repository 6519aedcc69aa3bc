"""The stateless statistics against scipy and numpy (SPEC §1, §2, §5, §7)."""
import json
import warnings

import numpy as np
import pytest
from scipy import stats

import ploutos_drift as pdrift
from conftest import DATA, close


def sample(rng, n, kind, shift):
    if kind == "normal":
        return rng.standard_normal(n) + shift
    if kind == "ties":  # integers: many ties
        return np.round(rng.standard_normal(n) * 2 + shift)
    return rng.standard_t(2, n) + shift  # heavy tails


@pytest.mark.parametrize("method", ["auto", "exact", "asymp"])
def test_ks_2samp_equals_scipy(rng, method):
    for case in range(60):
        n1, n2 = (int(v) for v in rng.integers(1, 3000 if case % 3 else 80, 2))
        kind = ["normal", "ties", "heavy"][case % 3]
        shift = float(rng.choice([0.0, 0.05, 0.3, 2.0]))
        x, y = sample(rng, n1, kind, 0.0), sample(rng, n2, kind, shift)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy's exact -> asymp switch warning
            ref = stats.ks_2samp(x, y, method=method)
        got = pdrift.ks_2samp(x, y, method=method)
        assert isinstance(got, pdrift.KstestResult)
        assert got.statistic == ref.statistic, (n1, n2, kind, shift)  # bit for bit
        # SPEC §7: exact p rel <= 1e-12; asymptotic p as kstwo_sf (rel 2e-12 or abs 2e-15)
        assert close(got.pvalue, ref.pvalue, 2e-12, 2e-15), (n1, n2, kind, shift, got, ref)


def test_ks_2samp_unpacks_like_scipy(rng):
    x, y = rng.standard_normal(200), rng.standard_normal(300) + 0.5
    d, p = pdrift.ks_2samp(x, y)
    ref = stats.ks_2samp(x, y)
    assert (d, p) == (ref.statistic, pytest.approx(ref.pvalue, rel=1e-12))
    assert p < 1e-3


def test_ks_2samp_golden_large_case():
    """A 10^5-sized golden case of tests/data (scipy 1.10.1's own numbers)."""
    cases = json.loads((DATA / "ks_cases.json").read_text())["cases"]
    case = next(c for c in cases if "data1_file" in c and c["n1"] > 10000)
    x = np.fromfile(DATA / case["data1_file"], dtype="<f8")
    y = np.fromfile(DATA / case["data2_file"], dtype="<f8")
    for r in case["results"]:
        got = pdrift.ks_2samp(x, y, method=r["method_requested"])
        assert got.statistic == float.fromhex(r["statistic_hex"])
        assert close(got.pvalue, float.fromhex(r["pvalue_hex"]), 2e-12, 2e-15)


def test_kstwo_sf_equals_scipy(rng):
    for n in list(range(1, 141, 7)) + [141, 500, 3000, 100001]:
        for z in (0.3, 0.8, 1.2, 2.0, 3.5):
            d = min(z / np.sqrt(n), 1.0)
            assert close(pdrift.kstwo_sf(d, n), stats.kstwo.sf(d, n), 2e-12, 2e-15), (d, n)
    assert np.isnan(pdrift.kstwo_sf(0.3, 0.5))
    assert pdrift.kstwo_sf(0.0, 10) == 1.0 and pdrift.kstwo_sf(1.0, 10) == 0.0


def psi_numpy(baseline, current, bins, eps=1e-4):
    """SPEC §2 in numpy: type-7 cuts of the baseline (de-duplicated),
    right-closed bins with open ends, eps for empty shares, chi-square p."""
    b = np.sort(baseline)
    m = len(b)
    cuts = []
    for k in range(1, bins):
        h = (m - 1) * (k / bins)
        lo = int(np.floor(h))
        fr = h - lo
        hi = min(lo + 1, m - 1)
        c = b[lo] if fr == 0 or b[lo] == b[hi] else b[lo] + fr * (b[hi] - b[lo])
        if not cuts or c > cuts[-1]:
            cuts.append(c)
    nb = np.bincount(np.searchsorted(cuts, baseline, side="left"), minlength=len(cuts) + 1)
    nc = np.bincount(np.searchsorted(cuts, current, side="left"), minlength=len(cuts) + 1)
    p = np.where(nb == 0, eps, nb / len(baseline))
    q = np.where(nc == 0, eps, nc / len(current))
    value = 0.0
    for pi, qi in zip(p, q):  # summed in bin order, as SPEC says
        value += (qi - pi) * np.log(qi / pi)
    df = int(np.sum(nb + nc > 0)) - 1
    if df <= 0:
        return 0.0, 1.0
    return value, stats.chi2.sf(value / (1.0 / len(baseline) + 1.0 / len(current)), df)


def test_psi_equals_numpy_reference(rng):
    for case in range(40):
        bins = int(rng.choice([2, 5, 10, 20]))
        m, n = (int(v) for v in rng.integers(bins, 4000, 2))
        kind = ["normal", "ties", "heavy"][case % 3]
        b = sample(rng, m, kind, 0.0)
        c = sample(rng, n, kind, float(rng.choice([0.0, 0.1, 1.0])))
        ref_psi, ref_p = psi_numpy(b, c, bins)
        got = pdrift.psi(b, c, bins=bins)
        assert close(got.psi, ref_psi, 1e-13), (m, n, bins, kind, got, ref_psi)
        assert close(got.pvalue, ref_p, 1e-9, 1e-15), (m, n, bins, kind, got, ref_p)


def test_psi_golden_values():
    for case in json.loads((DATA / "psi_cases.json").read_text())["cases"]:
        for block, bins in (("default_B10_eps1e-4", 10), ("variant_B5", 5), ("variant_B20", 20)):
            ref = case[block]
            got = pdrift.psi(case["baseline"], case["current"], bins)
            assert close(got.psi, float.fromhex(ref["psi_hex"]), 1e-13), (case["id"], block)
            assert close(got.pvalue, ref["pvalue_chi2_approx"], 1e-12, 1e-300), (case["id"], block)


def drawdown_numpy(r):
    equity = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    if np.any(equity <= 0):
        return -1.0
    peak = np.maximum.accumulate(equity)
    return float(np.min((equity - peak) / peak))


def test_metrics_equal_numpy(rng):
    for n in (2, 3, 50, 1000):
        r = rng.standard_normal(n) * 0.01 + 0.0005
        r[rng.integers(0, n, n // 10)] = 0.0
        for p in (252, 365, 8760, 1):
            assert close(pdrift.sharpe(r, p), r.mean() / r.std(ddof=1) * np.sqrt(p), 1e-12)
        assert close(pdrift.max_drawdown(r), drawdown_numpy(r), 1e-12)
        assert pdrift.win_rate(r) == np.sum(r > 0) / np.sum(r != 0)
    assert np.isnan(pdrift.sharpe([0.01]))                  # n < 2
    assert np.isnan(pdrift.sharpe([0.01, 0.01, 0.01]))      # constant
    assert np.isnan(pdrift.win_rate([0.0, -0.0]))           # no non-zero return
    assert pdrift.max_drawdown([0.1, -1.0, 0.5]) == -1.0    # ruin


def test_metrics_golden_values():
    for s in json.loads((DATA / "metrics_cases.json").read_text())["series"]:
        r = np.array(s["returns"], dtype=float)
        for key, p in (("sharpe_252_rf0", 252), ("sharpe_8760_rf0", 8760), ("sharpe_1_rf0_nonannualized", 1)):
            ref = np.nan if s[key] is None else s[key]
            assert close(pdrift.sharpe(r, p), ref, 1e-12), (s["id"], key)
        assert close(pdrift.max_drawdown(r), s["max_drawdown"], 1e-12), s["id"]
        ref = np.nan if s["win_rate_excl_zeros"] is None else s["win_rate_excl_zeros"]
        assert close(pdrift.win_rate(r), ref, 1e-12), s["id"]


def test_addm_against_golden_cases():
    """pdrift_addm decides with the mean rule by default; the golden decisions
    follow SPEC's occupancy rule, so the checks are the rule-free ones: no drift
    when errors stay or improve, and the severity weight of a WARNING/DRIFT is
    the golden severity_raw."""
    for case in json.loads((DATA / "addm_cases.json").read_text())["cases"]:
        level, weight = pdrift.addm(case["e_val"], case["e_win"])
        assert isinstance(level, pdrift.Level)
        if case["id"].startswith(("stable", "improve")):
            assert (level, weight) == (pdrift.Level.NONE, 0.0), case["id"]
        if level in (pdrift.Level.WARNING, pdrift.Level.DRIFT):
            assert close(weight, case["result"]["severity_raw"], 1e-12), case["id"]
    level, weight = pdrift.addm(np.zeros(259), np.ones(60))  # every live prediction wrong
    assert level == pdrift.Level.DRIFT and weight > 0
    level, _ = pdrift.addm(np.zeros(259), np.zeros(10))     # window shorter than 60
    assert level == pdrift.Level.INSUFFICIENT_DATA
    with pytest.raises(pdrift.DataError, match="negative"):
        pdrift.addm(np.zeros(259), -np.ones(60))


# ---- inputs: any sequence, converted once; numpy float64 read in place ------

def test_inputs_of_any_kind_give_the_same_numbers(rng):
    x, y = rng.standard_normal(500), rng.standard_normal(400) + 0.2
    ref = pdrift.ks_2samp(x, y)
    wide = np.empty((500, 2))
    wide[:, 0] = x
    assert pdrift.ks_2samp(list(x), tuple(y)) == ref
    assert pdrift.ks_2samp(wide[:, 0], y) == ref                  # strided view
    assert pdrift.ks_2samp(x.astype(">f8"), y) == ref              # big-endian
    x32 = x.astype(np.float32)
    assert pdrift.ks_2samp(x32, y) == stats.ks_2samp(x32.astype(np.float64), y)[:2]


def test_float64_contiguous_arrays_are_not_copied(rng, monkeypatch):
    """The C function receives the address of the caller's own buffer."""
    seen = []
    monkeypatch.setattr(pdrift._arrays, "pointer_hook", lambda src, addr: seen.append((src, addr)))
    x, y = rng.standard_normal(1000), rng.standard_normal(800)
    pdrift.ks_2samp(x, y)
    pdrift.psi(x, y)
    pdrift.sharpe(x)
    assert [(id(s), a) for s, a in seen] == [(id(x), x.ctypes.data), (id(y), y.ctypes.data)] * 2 \
        + [(id(x), x.ctypes.data)]


def test_other_arrays_are_converted_once(rng, monkeypatch):
    seen = []
    monkeypatch.setattr(pdrift._arrays, "pointer_hook", lambda src, addr: seen.append((src, addr)))
    x32 = rng.standard_normal(1000).astype(np.float32)
    strided = rng.standard_normal(2000)[::2]
    pdrift.ks_2samp(x32, strided)
    assert len(seen) == 2                                    # one array handed over per argument
    assert seen[0][1] != x32.ctypes.data and seen[1][1] != strided.ctypes.data


# ---- errors -------------------------------------------------------------------

def test_nan_only_input_raises_data_error():
    with pytest.raises(pdrift.DataError, match="NaN") as e:
        pdrift.ks_2samp([np.nan] * 5, [np.nan] * 3)
    assert e.value.code == pdrift.Status.EDATA == -10
    assert e.value.strerror == "data rejected"
    assert isinstance(e.value, ValueError)
    with pytest.raises(pdrift.DataError, match="NaN"):
        pdrift.psi([np.nan] * 50, np.zeros(50))
    with pytest.raises(pdrift.DataError, match="NaN or infinite"):
        pdrift.sharpe([np.nan, np.nan])


def test_bad_arguments_raise_invalid_argument():
    with pytest.raises(pdrift.InvalidArgumentError, match="at least one value"):
        pdrift.ks_2samp([], [1.0])
    with pytest.raises(pdrift.InvalidArgumentError, match="method"):
        pdrift.ks_2samp([1.0], [2.0], method="fast")
    with pytest.raises(pdrift.InvalidArgumentError, match="two-sided"):
        pdrift.ks_2samp([1.0], [2.0], alternative="less")
    with pytest.raises(pdrift.InvalidArgumentError, match="bins"):
        pdrift.psi(np.zeros(50), np.zeros(50), bins=1)
    with pytest.raises(pdrift.DataError, match="fewer values than bins"):
        pdrift.psi(np.arange(5.0), np.arange(50.0), bins=10)
    with pytest.raises(pdrift.InvalidArgumentError, match="1-D"):
        pdrift.ks_2samp(np.zeros((3, 3)), [1.0])
    with pytest.raises(pdrift.InvalidArgumentError, match="numbers"):
        pdrift.ks_2samp(["a", "b"], [1.0])
    with pytest.raises(pdrift.InvalidArgumentError, match="periods_per_year"):
        pdrift.sharpe([0.01, 0.02], periods_per_year=0)
