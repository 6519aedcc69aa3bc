"""End-to-end tests of the pdrift CLI: real files, real processes, exit codes.

Run by `make check` (pytest from Debian's python3-pytest). The binary is
$PDRIFT (default build/pdrift). Every test works in its own temporary folder.
"""
import json
import os
import subprocess

import numpy as np
import pytest

PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))

REPORT_KEYS = {
    "schema_version": int, "library_version": str, "generated_at": str, "model": (str, type(None)),
    "sensitivity": str, "thresholds": dict, "drift_detected": bool, "drift_types": list,
    "drift_type": (str, type(None)), "severity": str, "action": str, "data_drift": dict,
    "concept_drift": dict, "model_drift": dict, "recommendations": list,
}
FEATURE_KEYS = {
    "name": str, "status": str, "psi": (float, int, type(None)), "psi_pvalue": (float, int, type(None)),
    "ks_statistic": (float, int, type(None)), "ks_pvalue": (float, int, type(None)),
    "n_baseline": int, "n_current": int, "missing_baseline": (float, int, type(None)),
    "missing_current": (float, int, type(None)),
}


def run(*args, cwd):
    return subprocess.run([PDRIFT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def write_csv(path, columns, rows):
    with open(path, "w") as f:
        f.write(",".join(columns) + "\n")
        for row in rows:
            f.write(",".join("" if (isinstance(v, float) and np.isnan(v)) else repr(v) for v in row) + "\n")


def feature_table(path, n, shift=0.0, scale=1.0, seed=0, missing=0.0):
    """A feature table with a Date column and three numeric features."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        f.write("Date,alpha,beta,gamma\n")
        for i in range(n):
            a, b, g = rng.standard_normal(3)
            a = a * scale + shift
            if rng.random() < missing:
                g = float("nan")
            g_text = "" if np.isnan(g) else repr(float(g))
            f.write(f"2024-01-{1 + i % 28:02d},{a!r},{float(b)!r},{g_text}\n")


def check_report(report):
    for key, kind in REPORT_KEYS.items():
        assert key in report, key
        assert isinstance(report[key], kind), (key, report[key])
    assert report["schema_version"] == 1
    assert report["severity"] in ("none", "low", "medium", "high")
    assert report["action"] in ("continue", "watch", "retrain", "fallback")
    for key in ("psi", "ks", "ks_alpha", "sharpe_degradation", "drawdown_increase"):
        assert isinstance(report["thresholds"][key], (int, float))
    data = report["data_drift"]
    for key in ("psi_max", "n_features", "n_drifted", "drifted_features", "features"):
        assert key in data
    for feat in data["features"]:
        for key, kind in FEATURE_KEYS.items():
            assert isinstance(feat[key], kind), (key, feat[key])
        assert feat["status"] in ("ok", "drift", "insufficient_data")
    assert report["concept_drift"]["status"] == "not_monitored"
    assert report["model_drift"]["status"] == "not_monitored"


@pytest.fixture()
def market(tmp_path):
    r = run("sample-data", str(tmp_path / "data"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path


def test_version_and_help(tmp_path):
    r = run("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("pdrift ")
    assert run("--help", cwd=tmp_path).returncode == 0
    assert run("monitor", "--help", cwd=tmp_path).returncode == 0
    assert run(cwd=tmp_path).returncode == 3
    assert run("frobnicate", cwd=tmp_path).returncode == 3


def test_calm_market_no_drift(market):
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv",
            "--model", "stage1", cwd=market)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No drift detected" in r.stdout
    report = json.loads((market / "reports" / "drift_monitoring_latest.json").read_text())
    check_report(report)
    assert report["drift_detected"] is False and report["action"] == "continue"
    assert report["model"] == "stage1"
    assert report["data_drift"]["baseline"]["ohlcv_derived"] is True
    names = {f["name"] for f in report["data_drift"]["features"]}
    assert {"returns", "volatility", "rsi", "macd", "close_norm", "volume_norm"} <= names
    assert not (market / "logs" / "drift_events.jsonl").exists()  # no event, no log line
    assert "Date" in r.stderr  # the skipped date column is noted


def test_volatile_market_high_drift(market):
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
            cwd=market)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "DRIFT DETECTED" in r.stdout and "HIGH" in r.stdout
    report = json.loads((market / "reports" / "drift_monitoring_latest.json").read_text())
    check_report(report)
    assert report["severity"] == "high" and report["drift_types"] == ["data"]
    assert "volatility" in report["data_drift"]["drifted_features"]
    feats = report["data_drift"]["features"]
    assert feats[0]["status"] == "drift"  # most drifted first
    log = (market / "logs" / "drift_events.jsonl").read_text().splitlines()
    assert len(log) == 1
    event = json.loads(log[0])
    assert event["severity"] == "high" and event["drift_type"] == "data"


def test_json_output_is_only_json(market):
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
            "--json", cwd=market)
    assert r.returncode == 2
    check_report(json.loads(r.stdout))


def test_quiet_prints_nothing(market):
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv",
            "--quiet", cwd=market)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


def test_medium_drift_exit_1(tmp_path):
    feature_table(tmp_path / "base.csv", 3000, seed=1)
    feature_table(tmp_path / "cur.csv", 1000, shift=0.45, seed=2)
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json", cwd=tmp_path)
    report = json.loads(r.stdout)
    assert report["severity"] in ("low", "medium"), report["severity"]
    assert r.returncode == 1
    assert report["data_drift"]["drifted_features"] == ["alpha"]
    assert report["action"] == "watch"


def test_missing_rate_drift(tmp_path):
    feature_table(tmp_path / "base.csv", 2000, seed=1, missing=0.01)
    feature_table(tmp_path / "cur.csv", 500, seed=2, missing=0.40)
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json", cwd=tmp_path)
    report = json.loads(r.stdout)
    gamma = next(f for f in report["data_drift"]["features"] if f["name"] == "gamma")
    assert gamma["status"] == "drift" and gamma["gates"]["missing"] is True
    assert report["severity"] == "high" and r.returncode == 2


def test_bad_file_keeps_previous_report_and_log(market):
    args = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv"]
    assert run(*args, cwd=market).returncode == 2
    report_path = market / "reports" / "drift_monitoring_latest.json"
    log_path = market / "logs" / "drift_events.jsonl"
    before = report_path.read_bytes(), log_path.read_bytes()

    bad = market / "data" / "bad.csv"
    lines = (market / "data" / "current_volatile.csv").read_text().splitlines()
    fields = lines[5].split(",")
    fields[3] = "abc"
    lines[5] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n")
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/bad.csv", cwd=market)
    assert r.returncode == 3
    assert "data/bad.csv:6:" in r.stderr and '"abc" is not a number' in r.stderr, r.stderr
    assert (report_path.read_bytes(), log_path.read_bytes()) == before
    assert [p.name for p in report_path.parent.iterdir()] == ["drift_monitoring_latest.json"]


def test_schema_mismatch_names_the_column(tmp_path):
    feature_table(tmp_path / "base.csv", 200, seed=1)
    write_csv(tmp_path / "cur.csv", ["alpha", "beta"], [[0.1, 0.2]] * 50)
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", cwd=tmp_path)
    assert r.returncode == 3
    assert 'cur.csv: baseline column "gamma" is missing' in r.stderr


def test_extra_columns_are_listed(tmp_path):
    feature_table(tmp_path / "base.csv", 300, seed=1)
    rng = np.random.default_rng(5)
    write_csv(tmp_path / "cur.csv", ["gamma", "delta", "alpha", "beta"], rng.standard_normal((300, 4)).tolist())
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json", cwd=tmp_path)
    assert r.returncode in (0, 1, 2)
    assert json.loads(r.stdout)["data_drift"]["ignored_columns"] == ["delta"]


def test_insufficient_data_is_reported_not_failed(tmp_path):
    feature_table(tmp_path / "base.csv", 500, seed=1)
    feature_table(tmp_path / "cur.csv", 12, seed=2)
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0
    report = json.loads(r.stdout)
    assert all(f["status"] == "insufficient_data" for f in report["data_drift"]["features"])
    assert any("Not enough data" in s for s in report["recommendations"])


@pytest.mark.parametrize("args,message", [
    (["monitor", "--baseline", "nope.csv", "--current", "nope.csv"], "nope.csv"),
    (["monitor", "--current", "x.csv"], "--baseline and --current are required"),
    (["monitor", "--baseline", "b.csv", "--current", "c.csv", "--sensitivity", "extreme"], "low, medium or high"),
    (["monitor", "--baseline", "b.csv", "--current", "c.csv", "--frobnicate"], "unknown option"),
    (["monitor", "--baseline", "b.csv", "--current", "c.csv", "--set", "psi_bins=1"], "psi_bins"),
    (["monitor", "--baseline", ".", "--current", "c.csv"], "directory"),
])
def test_usage_and_input_errors_exit_3(tmp_path, args, message):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 3
    assert message in r.stderr, r.stderr


def test_sensitivity_changes_thresholds(market):
    for level, psi in (("low", 0.25), ("medium", 0.15), ("high", 0.10)):
        r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv",
                "--sensitivity", level, "--json", cwd=market)
        report = json.loads(r.stdout)
        assert report["sensitivity"] == level and report["thresholds"]["psi"] == psi


def test_selftest(tmp_path):
    r = run("selftest", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Test 1" in r.stdout and "no drift detected" in r.stdout
    assert "Test 2" in r.stdout and "DRIFT detected" in r.stdout
