"""The monitor through the binding: numpy and pandas input, results, errors."""
import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import ploutos_drift as pdrift

FEATURES = ["ret", "vol", "rsi"]


def frames(rng, n_base=1500, n_cur=400, shift=1.0):
    """A baseline and a current window of independent normal features; the
    window's `vol` is shifted by `shift` standard deviations."""
    base = pd.DataFrame(rng.standard_normal((n_base, 3)), columns=FEATURES)
    cur = pd.DataFrame(rng.standard_normal((n_cur, 3)), columns=FEATURES)
    cur["vol"] += shift
    return base, cur


def test_detect_finds_the_shifted_feature_numpy(rng):
    base, cur = frames(rng)
    with pdrift.Monitor() as m:
        m.set_baseline(base.to_numpy(), names=FEATURES)
        assert m.feature_names == FEATURES
        m.observe(cur.to_numpy())
        r = m.detect()
    assert r.drifted_features == ["vol"]
    assert r.drift_detected and r.drift_types == pdrift.DriftType.DATA
    assert r.drift_type == pdrift.DriftType.DATA
    assert r.severity == pdrift.Severity.HIGH and r.action == pdrift.Action.RETRAIN
    assert [f.name for f in r.features] == FEATURES
    vol = r.feature("vol")
    assert vol.status == pdrift.FeatureStatus.DRIFT and vol.drifted
    assert pdrift.Gate.PSI in vol.gates and pdrift.Gate.KS in vol.gates
    assert (vol.n_baseline, vol.n_current) == (1500, 400)
    assert vol.ks_pvalue_iid == pdrift.ks_2samp(base["vol"], cur["vol"]).pvalue
    assert vol.psi == pytest.approx(pdrift.psi(base["vol"], cur["vol"]).psi, rel=1e-12)
    assert all(r.feature(n).status == pdrift.FeatureStatus.OK for n in ("ret", "rsi"))
    assert r.values["n_current_rows"] == 400 and r.values["psi_max"] == vol.psi


def test_no_drift_on_the_same_distribution(rng):
    base, cur = frames(rng, shift=0.0)
    with pdrift.Monitor() as m:
        m.set_baseline(base)
        m.observe(cur)
        r = m.detect()
    assert not r.drift_detected and r.drifted_features == []
    assert r.severity == pdrift.Severity.NONE and r.action == pdrift.Action.CONTINUE
    assert r.drift_types == pdrift.DriftType(0) and r.drift_type is None


def test_pandas_names_come_from_columns_and_match_numpy(rng):
    base, cur = frames(rng, shift=0.4)
    with pdrift.Monitor() as a, pdrift.Monitor() as b:
        a.set_baseline(base)
        assert a.feature_names == FEATURES
        # reordered, with an extra column the baseline does not know
        a.observe(cur[["rsi", "vol", "ret"]].assign(extra=1.0))
        b.set_baseline(base.to_numpy(), names=FEATURES)
        b.observe(cur.to_numpy())
        ra, rb = a.detect(), b.detect()
    assert_frame_equal(ra.to_frame(), rb.to_frame())
    assert ra.values.keys() == rb.values.keys()
    for key in ra.values:
        assert ra.values[key] == rb.values[key] or (math.isnan(ra.values[key]) and math.isnan(rb.values[key]))
    assert ra.drifted_features == rb.drifted_features == ["vol"]


def test_names_select_and_order_dataframe_columns(rng):
    base, cur = frames(rng)
    with pdrift.Monitor() as m:
        m.set_baseline(base.assign(date="2026-01-01"), names=["vol", "ret"])
        assert m.feature_names == ["vol", "ret"]
        m.observe(cur)
        assert m.detect().drifted_features == ["vol"]


def test_result_matches_its_json_report(rng):
    base, cur = frames(rng)
    with pdrift.Monitor(model="momentum-v3", sensitivity="high") as m:
        m.set_baseline(base)
        m.observe(cur)
        r = m.detect()
        assert m.report_json().startswith("{")
    rep = r.report
    assert rep["model"] == "momentum-v3" and rep["sensitivity"] == "high"
    assert rep["thresholds"]["psi"] == 0.10
    assert rep["severity"] == str(r.severity) and rep["action"] == str(r.action)
    assert rep["drift_types"] == [str(t) for t in pdrift.DriftType if t in r.drift_types]
    assert rep["data_drift"]["drifted_features"] == r.drifted_features
    assert rep["recommendations"] == r.recommendations and "vol" in r.recommendations[0]
    by_name = {f["name"]: f for f in rep["data_drift"]["features"]}
    for f in r.features:
        assert by_name[f.name]["status"] == str(f.status)
        assert by_name[f.name]["psi"] == pytest.approx(f.psi, rel=1e-12)
    frame = r.to_frame()
    assert list(frame.index) == FEATURES and frame.loc["vol", "status"] == "drift"
    assert frame.loc["vol", "psi"] == r.feature("vol").psi


def test_model_and_concept_drift(rng):
    with pdrift.Monitor() as m:
        m.baseline_returns(rng.normal(0.002, 0.01, 252))
        m.observe_returns(rng.normal(-0.003, 0.02, 126))
        m.baseline_errors((rng.random(300) < 0.3).astype(float))
        m.observe_errors(np.ones(100))
        r = m.detect()
    assert r.features == [] and r.model_status == pdrift.CheckStatus.DRIFT
    assert r.concept_status == pdrift.CheckStatus.DRIFT and r.concept_level == pdrift.Level.DRIFT
    assert r.drift_types == pdrift.DriftType.MODEL | pdrift.DriftType.CONCEPT
    assert r.drift_type == pdrift.DriftType.MODEL
    assert r.values["n_returns_current"] == 126 and r.values["sharpe_current"] < 0


def test_one_row_and_nan_rows(rng):
    base, _ = frames(rng)
    with pdrift.Monitor() as m:
        m.set_baseline(base)
        m.observe(np.array([0.1, 0.2, 0.3]))           # a 1-D array is one row
        m.observe(np.full((100, 3), np.nan))          # NaN is missing: no exception
        r = m.detect()
    assert r.values["n_current_rows"] == 101
    assert all(f.missing_current == pytest.approx(100 / 101) for f in r.features)
    assert all(pdrift.Gate.MISSING in f.gates for f in r.features)


def test_config_by_name():
    info = pdrift.param_info("psi_threshold")
    assert info.type == pdrift.ParamType.DOUBLE and (info.lo, info.hi) == (0.0, 100.0)
    assert "window_size" in pdrift.param_names()
    with pdrift.Config(sensitivity="high") as cfg:
        assert cfg["psi_threshold"] == 0.10 and cfg["sensitivity"] == pdrift.Sensitivity.HIGH
        cfg["psi_threshold"] = 0.3                      # explicit wins over the preset
        cfg.set("sensitivity", pdrift.Sensitivity.LOW).set("correction", "holm")
        assert cfg["psi_threshold"] == 0.3 and cfg["alpha"] == 0.01
        assert cfg["correction"] == pdrift.Correction.HOLM
        cfg["window_size"] = 500.0                      # integral float accepted
        assert cfg["window_size"] == 500 and isinstance(cfg["window_size"], int)
        with pdrift.Monitor(cfg) as m:
            m.set_baseline(np.zeros((40, 1)))
            m.observe(np.zeros((40, 1)))
            assert m.detect().report["thresholds"]["psi"] == 0.3


def test_config_errors():
    with pytest.raises(pdrift.ParameterError, match="psi_bin.*known: .*psi_bins") as e:
        pdrift.Config(psi_bin=10)
    assert e.value.code == pdrift.Status.EPARAM
    with pytest.raises(pdrift.OutOfRangeError, match=r"psi_bins = 1 \(bounds \[2, 10000\]\)"):
        pdrift.Config(psi_bins=1)
    with pytest.raises(pdrift.InvalidArgumentError, match="integer parameter"):
        pdrift.Config(window_size=1.5)
    with pytest.raises(pdrift.InvalidArgumentError, match="correction must be one of"):
        pdrift.Config(correction="fdr")
    with pytest.raises(pdrift.ParameterError):
        pdrift.Monitor(alpah=0.05)
    with pytest.raises(pdrift.InvalidArgumentError, match="not both"):
        pdrift.Monitor(pdrift.Config(), alpha=0.05)


# ---- errors ----------------------------------------------------------------

def test_wrong_width_raises_schema_error(rng):
    base, cur = frames(rng)
    with pdrift.Monitor() as m:
        m.set_baseline(base)
        with pytest.raises(pdrift.SchemaError, match=r"2 columns, but the baseline has 3 features \(ret, vol, rsi\)") as e:
            m.observe(np.zeros((10, 2)))
        assert e.value.code == -11 and e.value.strerror == "columns do not match the baseline"
        with pytest.raises(pdrift.SchemaError, match="lacks column 'vol'"):
            m.observe(cur.drop(columns="vol"))
        with pytest.raises(pdrift.InvalidArgumentError, match="2 names for 3 columns"):
            m.set_baseline(np.zeros((10, 3)), names=["a", "b"])
        with pytest.raises(pdrift.SchemaError, match="lacks column 'nope'"):
            m.set_baseline(base, names=["nope"])
        # nothing was appended by the failed calls
        m.observe(cur)
        assert m.detect().values["n_current_rows"] == len(cur)


def test_nan_only_baseline_raises_data_error():
    with pdrift.Monitor() as m:
        with pytest.raises(pdrift.DataError, match="every row is NaN.*'b'"):
            m.set_baseline(np.column_stack([np.zeros(50), np.full(50, np.nan)]), names=["a", "b"])
        with pytest.raises(pdrift.DataError, match="a NaN or infinite return|non-finite|NaN"):
            m.baseline_returns([np.nan, np.nan])
    with pdrift.Monitor(nan_policy="reject") as m:
        m.set_baseline(np.zeros((50, 2)), names=["a", "b"])
        rows = np.zeros((5, 2))
        rows[3, 1] = np.nan
        with pytest.raises(pdrift.DataError, match='row 3, feature "b": NaN') as e:
            m.observe(rows)
        assert "nan_policy is reject" in e.value.message


def test_files_errors_name_the_file_and_line(tmp_path):
    with pdrift.Monitor() as m:
        missing = tmp_path / "no_such_baseline.csv"
        with pytest.raises(pdrift.PdriftIOError, match="no_such_baseline.csv") as e:
            m.load_baseline(missing)
        assert isinstance(e.value, OSError) and e.value.code == pdrift.Status.EIO
        assert e.value.strerror == "input/output error" and "No such file" in e.value.message
        bad = tmp_path / "bad.csv"
        bad.write_text("a,b\n1,2\n3,4\n5,abc\n")
        with pytest.raises(pdrift.ParseError, match=r"bad.csv:4:3: column \"b\": \"abc\" is not a number"):
            m.load_baseline(str(bad))


def test_wrong_call_order_and_closed_monitor():
    m = pdrift.Monitor()
    with pytest.raises(pdrift.StateError, match="baseline"):
        m.detect()
    with pytest.raises(pdrift.StateError, match="no baseline yet"):
        m.observe(np.zeros((1, 1)))
    m.close()
    m.close()  # idempotent
    assert m.closed
    with pytest.raises(pdrift.StateError, match="closed"):
        m.observe_returns([0.01])


def test_duplicate_names_rejected_by_the_library():
    with pdrift.Monitor() as m, pytest.raises(pdrift.InvalidArgumentError, match='both named "a"'):
        m.set_baseline(np.zeros((40, 2)), names=["a", "a"])


def test_set_baseline_reads_the_callers_buffer(rng, monkeypatch):
    seen = []
    monkeypatch.setattr(pdrift._arrays, "pointer_hook", lambda src, addr: seen.append((src, addr)))
    rows = rng.standard_normal((100, 3))
    with pdrift.Monitor() as m:
        m.set_baseline(rows)
        m.observe(rows[:10])            # a C-contiguous slice of rows: still no copy
        m.observe(rows[:, ::-1])        # a strided view: one converted copy
    assert seen[0] == (rows, rows.ctypes.data)
    assert seen[1][1] == rows.ctypes.data
    assert seen[2][1] != rows.ctypes.data and len(seen) == 3


# ---- snapshots (pdrift_baseline_save, issue 8) --------------------------------

needs_save = pytest.mark.skipif(
    pdrift._lib.optional_function("pdrift_baseline_save") is None,
    reason="the library does not export pdrift_baseline_save yet")


@needs_save
def test_snapshot_round_trip(rng, tmp_path):
    base, cur = frames(rng, shift=0.5)
    path = tmp_path / "baseline.pdsnap"
    with pdrift.Monitor() as m:
        m.set_baseline(base)
        m.baseline_returns(rng.normal(0.001, 0.01, 252))
        m.baseline_errors((rng.random(300) < 0.3).astype(float))
        m.save_baseline(path)
        m.observe(cur)
        want = m.detect()
    assert path.stat().st_size > 0
    with pdrift.Monitor() as m:
        m.load_baseline(path)
        assert m.feature_names == FEATURES
        m.observe(cur)
        got = m.detect()
    assert_frame_equal(got.to_frame(), want.to_frame())
    for key in ("sharpe_baseline", "n_returns_baseline", "n_errors_reference"):
        assert got.values[key] == want.values[key], key


@needs_save
def test_damaged_snapshot_is_refused(rng, tmp_path):
    path = tmp_path / "baseline.pdsnap"
    with pdrift.Monitor() as m:
        m.set_baseline(rng.standard_normal((200, 2)))
        with pytest.raises(pdrift.StateError):
            pdrift.Monitor().save_baseline(tmp_path / "empty.pdsnap")   # no baseline to save
        m.save_baseline(path)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        with pytest.raises(pdrift.CorruptSnapshotError, match="baseline.pdsnap"):
            m.load_baseline(path)
        assert m.feature_names == ["x0", "x1"]   # a failed load changes nothing


def test_save_without_the_symbol_is_not_implemented(monkeypatch, tmp_path):
    monkeypatch.setattr(pdrift.monitor, "optional_function", lambda name: None)
    with pdrift.Monitor() as m, pytest.raises(NotImplementedError, match="pdrift_baseline_save"):
        m.save_baseline(tmp_path / "b.pdsnap")
