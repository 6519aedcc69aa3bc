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
    history_path = market / "reports" / "drift_report.json"
    before = report_path.read_bytes(), log_path.read_bytes(), history_path.read_bytes()

    bad = market / "data" / "bad.csv"
    lines = (market / "data" / "current_volatile.csv").read_text().splitlines()
    fields = lines[5].split(",")
    fields[3] = "abc"
    lines[5] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n")
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/bad.csv", cwd=market)
    assert r.returncode == 3
    assert "data/bad.csv:6:" in r.stderr and '"abc" is not a number' in r.stderr, r.stderr
    assert (report_path.read_bytes(), log_path.read_bytes(), history_path.read_bytes()) == before
    assert sorted(p.name for p in report_path.parent.iterdir()) == [
        ".pdrift.lock", "drift_monitoring_latest.json", "drift_report.json"]


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


# ---- model drift: trading performance against a baseline (SPEC §5, §6) ------------------------

GOLDEN_METRICS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "metrics_cases.json")


def golden_metrics():
    with open(GOLDEN_METRICS) as f:
        return json.load(f)


def drift_pair(pair_id):
    """(baseline, current, decisions) of a golden drift pair."""
    pair = next(p for p in golden_metrics()["drift_pairs"] if p["id"] == pair_id)
    return pair["baseline"], pair["current"], pair["decisions"]


def write_returns(path, values, header="ret", dates=False):
    """A returns file: one column named `header` (None: no header line), with a Date column first."""
    with open(path, "w") as f:
        if header is not None:
            f.write(("Date," if dates else "") + header + "\n")
        for i, v in enumerate(values):
            prefix = f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}," if dates else ""
            f.write(prefix + repr(float(v)) + "\n")


def model_report(r):
    report = json.loads(r.stdout)
    md = report["model_drift"]
    for key in ("status", "severity", "baseline", "current", "sharpe_degradation", "sharpe_degradation_mode",
                "drawdown_increase", "win_rate_change", "win_rate_pvalue", "flags", "periods_per_year",
                "risk_free_rate", "min_returns"):
        assert key in md, key
    assert md["status"] in ("not_monitored", "ok", "drift", "insufficient_data")
    assert md["severity"] in ("none", "low", "medium", "high")
    for side in ("baseline", "current"):
        for key in ("sharpe", "max_drawdown", "win_rate"):
            assert isinstance(md[side][key], (int, float, type(None))), (side, key)
        assert isinstance(md[side]["n"], int)
    assert md["baseline"]["source"] in ("returns", "metrics", None)
    assert isinstance(md["flags"]["sharpe"], bool) and isinstance(md["flags"]["drawdown"], bool)
    return report, md


def test_model_drift_returns_against_baseline_returns(tmp_path):
    base, cur, decisions = drift_pair("sharpe_halved")
    write_returns(tmp_path / "base.csv", base)
    write_returns(tmp_path / "live.csv", cur)
    args = ["monitor", "--returns", "live.csv", "--baseline-returns", "base.csv"]
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "DRIFT DETECTED" in r.stdout
    assert "Type     : MODEL" in r.stdout
    assert "Severity : HIGH" in r.stdout
    assert "Action   : FALLBACK" in r.stdout
    assert "Model drift: Sharpe 1.59 -> 0.79 (-50.0%)" in r.stdout

    r = run(*args, "--json", cwd=tmp_path)
    assert r.returncode == 2
    report, md = model_report(r)
    assert report["action"] == "fallback"
    assert report["drift_type"] == "model" and report["drift_types"] == ["model"]
    assert report["severity"] == "high" and report["drift_detected"] is True
    assert report["data_drift"]["status"] == "not_monitored"
    assert md["status"] == "drift" and md["severity"] == "high"
    assert md["baseline"]["source"] == "returns"
    assert md["baseline"]["n"] == 252 and md["current"]["n"] == 126
    golden = decisions["medium"]
    assert abs(md["sharpe_degradation"] - golden["sharpe_degradation"]) <= 1e-12
    assert abs(md["drawdown_increase"] - golden["maxdd_increase"]) <= 1e-12
    assert md["baseline"]["sharpe"] == pytest.approx(golden["sharpe_base"], rel=1e-12)
    assert md["current"]["sharpe"] == pytest.approx(golden["sharpe_cur"], rel=1e-12)
    assert md["sharpe_degradation_mode"] == "relative"
    assert md["flags"] == {"sharpe": True, "drawdown": False}
    assert isinstance(md["win_rate_pvalue"], float)  # counts known from the returns
    assert report["recommendations"][0].startswith("Model drift: Sharpe 1.59 -> 0.79 (-50.0%)")


@pytest.mark.parametrize("pair_id,level,code,action", [
    ("degradation_25pct", "medium", 1, "retrain"),  # model medium: retrain
    ("degradation_18pct", "high", 1, "watch"),      # model low: watch
    ("degradation_18pct", "medium", 0, "continue"),
    ("dd_blowup", "low", 2, "fallback"),            # drawdown +10.4 points: high
    ("negative_baseline", "medium", 2, "fallback"), # absolute mode
])
def test_model_drift_bands_and_actions(tmp_path, pair_id, level, code, action):
    base, cur, decisions = drift_pair(pair_id)
    write_returns(tmp_path / "base.csv", base)
    write_returns(tmp_path / "live.csv", cur)
    r = run("monitor", "--returns", "live.csv", "--baseline-returns", "base.csv", "--sensitivity", level,
            "--json", cwd=tmp_path)
    assert r.returncode == code, r.stdout + r.stderr
    report, md = model_report(r)
    golden = decisions[level]
    assert md["status"] == ("drift" if golden["drift"] else "ok")
    assert md["sharpe_degradation_mode"] == golden["degradation_mode"]
    assert md["flags"] == {"sharpe": golden["sharpe_flag"], "drawdown": golden["maxdd_flag"]}
    assert report["thresholds"]["sharpe_degradation"] == golden["tau"]
    assert report["action"] == action


def test_baseline_numbers_percent_drawdown(tmp_path):
    _, cur, _ = drift_pair("no_change")
    write_returns(tmp_path / "live.csv", cur)
    r = run("monitor", "--returns", "live.csv", "--baseline-sharpe", "1.5", "--baseline-max-dd", "-12",
            "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "read as -12%" in r.stderr, r.stderr
    report, md = model_report(r)
    assert md["status"] == "ok"
    assert md["baseline"]["source"] == "metrics" and md["baseline"]["n"] == 0
    assert md["baseline"]["sharpe"] == 1.5
    assert md["baseline"]["max_drawdown"] == pytest.approx(-0.12, abs=1e-15)
    assert md["baseline"]["win_rate"] is None and md["win_rate_change"] is None
    assert md["current"]["n"] == 126

    # The same drawdown as a fraction: no note, same number.
    r2 = run("monitor", "--returns", "live.csv", "--baseline-sharpe", "1.5", "--baseline-max-dd", "-0.12",
             "--json", cwd=tmp_path)
    assert r2.returncode == 0
    assert "read as" not in r2.stderr
    assert json.loads(r2.stdout)["model_drift"]["baseline"]["max_drawdown"] == pytest.approx(-0.12, abs=1e-15)


def test_baseline_win_rate_percent(tmp_path):
    _, cur, _ = drift_pair("no_change")
    write_returns(tmp_path / "live.csv", cur)
    r = run("monitor", "--returns", "live.csv", "--baseline-win-rate", "55", "--json", cwd=tmp_path)
    assert r.returncode in (0, 1, 2), r.stderr
    assert "read as 55%" in r.stderr, r.stderr
    _, md = model_report(r)
    assert md["baseline"]["win_rate"] == pytest.approx(0.55, abs=1e-15)
    assert md["win_rate_pvalue"] is None  # explicit numbers: no counts
    wins = sum(1 for v in cur if v > 0) / sum(1 for v in cur if v != 0)
    assert md["win_rate_change"] == pytest.approx(wins - 0.55, abs=1e-12)


def test_returns_file_formats(tmp_path):
    base, cur, decisions = drift_pair("degradation_25pct")
    write_returns(tmp_path / "base.csv", base, header=None)          # headerless single column
    write_returns(tmp_path / "live.csv", cur, header="ret", dates=True)  # Date,ret
    r = run("monitor", "--returns", "live.csv", "--baseline-returns", "base.csv", "--json", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    _, md = model_report(r)
    assert md["baseline"]["n"] == 252 and md["current"]["n"] == 126
    assert abs(md["sharpe_degradation"] - decisions["medium"]["sharpe_degradation"]) <= 1e-12

    write_returns(tmp_path / "live2.csv", cur, header="Returns", dates=True)  # any case
    r = run("monitor", "--returns", "live2.csv", "--baseline-returns", "base.csv", "--json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["model_drift"]["current"]["n"] == 126


def test_returns_file_without_ret_column_exit_3(tmp_path):
    write_csv(tmp_path / "two.csv", ["alpha", "beta"], [[0.01 * i, 0.02 * i] for i in range(30)])
    write_returns(tmp_path / "base.csv", drift_pair("no_change")[0])
    r = run("monitor", "--returns", "two.csv", "--baseline-returns", "base.csv", cwd=tmp_path)
    assert r.returncode == 3
    assert "two.csv" in r.stderr and '"alpha"' in r.stderr and '"beta"' in r.stderr, r.stderr
    assert not (tmp_path / "reports").exists()


def test_returns_alone_is_insufficient(tmp_path):
    _, cur, _ = drift_pair("sharpe_halved")
    write_returns(tmp_path / "live.csv", cur)
    r = run("monitor", "--returns", "live.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report, md = model_report(r)
    assert md["status"] == "insufficient_data" and md["severity"] == "none"
    assert md["baseline"]["source"] is None
    assert report["severity"] == "none" and report["action"] == "continue"
    assert any(s.startswith("Not enough data for model drift") for s in report["recommendations"])
    r = run("monitor", "--returns", "live.csv", cwd=tmp_path)
    assert r.returncode == 0
    assert "Not enough data for model drift" in r.stdout


def test_too_few_returns_is_insufficient(tmp_path):
    base, cur, _ = drift_pair("sharpe_halved")
    write_returns(tmp_path / "base.csv", base)
    write_returns(tmp_path / "live.csv", cur[:19])
    r = run("monitor", "--returns", "live.csv", "--baseline-returns", "base.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report, md = model_report(r)
    assert md["status"] == "insufficient_data"
    assert "Not enough data for model drift (19 returns, need 20)" in report["recommendations"]


@pytest.mark.parametrize("extra,message", [
    (["--baseline-returns", "base.csv"], "--returns"),
    (["--baseline-sharpe", "1.5"], "--returns"),
    (["--returns", "base.csv", "--baseline-returns", "base.csv", "--baseline-sharpe", "1.5"], "not both"),
    (["--returns", "base.csv", "--baseline-sharpe", "abc"], "not a number"),
])
def test_model_usage_errors_exit_3(tmp_path, extra, message):
    write_returns(tmp_path / "base.csv", drift_pair("no_change")[0])
    r = run("monitor", *extra, cwd=tmp_path)
    assert r.returncode == 3, r.stdout + r.stderr
    assert message in r.stderr, r.stderr


def test_periods_per_year_per_trade(tmp_path):
    series = next(s for s in golden_metrics()["series"] if s["id"] == "trades_30")
    write_returns(tmp_path / "trades.csv", series["returns"])
    r = run("monitor", "--returns", "trades.csv", "--baseline-returns", "trades.csv", "--periods-per-year", "1",
            "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    _, md = model_report(r)
    assert md["periods_per_year"] == 1
    assert md["baseline"]["sharpe"] == pytest.approx(series["sharpe_1_rf0_nonannualized"], rel=1e-12)
    assert md["current"]["sharpe"] == pytest.approx(series["sharpe_1_rf0_nonannualized"], rel=1e-12)
    assert md["status"] == "ok" and md["sharpe_degradation"] == 0


def test_data_drift_with_performance_holding_is_watch(market):
    base, cur, _ = drift_pair("no_change")
    write_returns(market / "base_ret.csv", base)
    write_returns(market / "live_ret.csv", cur)
    args = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
            "--returns", "live_ret.csv", "--baseline-returns", "base_ret.csv"]
    r = run(*args, "--json", cwd=market)
    assert r.returncode == 2, r.stdout + r.stderr  # severity and exit code unchanged
    report, md = model_report(r)
    assert md["status"] == "ok"
    assert report["severity"] == "high" and report["drift_types"] == ["data"]
    assert report["action"] == "watch"
    assert report["recommendations"][0].startswith("Data drift")
    assert "holding" in report["recommendations"][0]
    r = run(*args, cwd=market)
    assert r.returncode == 2
    assert "Type     : DATA" in r.stdout and "Action   : WATCH" in r.stdout

    # The same data drift without performance to go by: retrain.
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv", "--json",
            cwd=market)
    assert json.loads(r.stdout)["action"] == "retrain"
    # Too few returns: performance not known to hold, retrain.
    write_returns(market / "few.csv", cur[:10])
    r = run(*args[:-4], "--returns", "few.csv", "--baseline-returns", "base_ret.csv", "--json", cwd=market)
    report = json.loads(r.stdout)
    assert report["model_drift"]["status"] == "insufficient_data"
    assert report["action"] == "retrain" and r.returncode == 2
    assert report["recommendations"][-1] == "Not enough data for model drift (10 returns, need 20)"


def test_data_and_model_drift_together(market):
    base, cur, _ = drift_pair("sharpe_halved")
    write_returns(market / "base_ret.csv", base)
    write_returns(market / "live_ret.csv", cur)
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
            "--returns", "live_ret.csv", "--baseline-returns", "base_ret.csv", "--json", cwd=market)
    assert r.returncode == 2, r.stdout + r.stderr
    report, md = model_report(r)
    assert report["drift_types"] == ["data", "model"]
    assert report["drift_type"] == "model"  # both high: model wins the tie
    assert report["action"] == "fallback"
    recs = report["recommendations"]
    assert recs[0].startswith("Model drift:") and recs[1].startswith("Data drift")
    log = (market / "logs" / "drift_events.jsonl").read_text().splitlines()
    assert json.loads(log[-1])["drift_type"] == "model"


def test_calm_data_with_model_drift(market):
    base, cur, _ = drift_pair("degradation_25pct")
    write_returns(market / "base_ret.csv", base)
    write_returns(market / "live_ret.csv", cur)
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv",
            "--returns", "live_ret.csv", "--baseline-returns", "base_ret.csv", cwd=market)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Type     : MODEL" in r.stdout and "Severity : MEDIUM" in r.stdout
    assert "Action   : RETRAIN" in r.stdout


# ---- concept drift: the model's error stream (SPEC §4, §6) --------------------------------------

GOLDEN_ADDM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "addm_cases.json")


def golden_addm():
    with open(GOLDEN_ADDM) as f:
        return json.load(f)


def addm_case(case_id):
    return next(c for c in golden_addm()["cases"] if c["id"] == case_id)


def write_errors(path, values, header="error", dates=False):
    """An errors file: one column named `header` (None: no header line), optionally after a Date column."""
    with open(path, "w") as f:
        if header is not None:
            f.write(("Date," if dates else "") + header + "\n")
        for i, v in enumerate(values):
            prefix = f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}," if dates else ""
            f.write(prefix + repr(float(v)) + "\n")


def concept_report(r):
    report = json.loads(r.stdout)
    cd = report["concept_drift"]
    for key in ("status", "severity", "severity_weight", "method", "current_level", "latched", "fired_at",
                "n_reference", "n_window", "n_seen", "threshold", "frac_ref_high", "frac_win_high",
                "frac_tail_high", "delta_occupancy", "n_low", "n_high", "high_regime", "ssr",
                "mean_reference", "mean_window", "q3_reference", "q3_window", "mean_z", "long_run_variance", "rule",
                "tsay_f", "tsay_pvalue",
                "parameters"):
        assert key in cd, key
    assert cd["status"] in ("not_monitored", "none", "warning", "drift", "insufficient_data")
    assert cd["severity"] in ("none", "low", "medium", "high")
    assert cd["method"] == "addm"
    assert isinstance(cd["latched"], bool)
    assert (cd["fired_at"] is not None) == cd["latched"]
    # SPEC §4.5: WARNING low; DRIFT high if w >= 0.5 else medium
    expected = {"warning": "low", "drift": None}.get(cd["status"], "none")
    if cd["status"] == "drift":
        expected = "high" if cd["severity_weight"] >= 0.5 else "medium"
    assert cd["severity"] == expected, cd
    return report, cd


def golden_drift_stream(tmp_path, header="error"):
    """The golden sequential stream up to its first DRIFT (t = 183, w = 0.29: medium)."""
    seq = golden_addm()["sequential"]
    write_errors(tmp_path / "ref_errors.csv", seq["e_val"], header=header)
    write_errors(tmp_path / "live_errors.csv", seq["e_live"][:184], header=header)
    return ["--baseline-errors", "ref_errors.csv", "--errors", "live_errors.csv"]


def generated_high_stream(tmp_path):
    """Error rate 0.45 -> 0.9 (seed 0): ADDM DRIFT with w = 0.5, high."""
    rng = np.random.default_rng(0)
    ref = (rng.random(300) < 0.45).astype(float)
    live = (rng.random(69) < 0.9).astype(float)
    write_errors(tmp_path / "ref_hi.csv", ref, header=None)
    write_errors(tmp_path / "live_hi.csv", live, header=None)
    return ["--baseline-errors", "ref_hi.csv", "--errors", "live_hi.csv"]


def expected_mean_z(reference, window, smoothing=10, n_ref=250, w=60, p=5):
    """The mean rule's z (docs/concept.md), written from its definition with numpy."""
    ref = np.asarray(reference, float)[-(n_ref + smoothing - 1):]
    win = np.asarray(window, float)[-w:]
    X = np.column_stack([np.ones(len(ref) - p)] + [ref[p - i:len(ref) - i] for i in range(1, p + 1)])
    y = ref[p:]
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    sigma2 = np.sum((y - X @ beta) ** 2) / (len(ref) - p - (p + 1))
    v = sigma2 / max(1.0 - beta[1:].sum(), 0.1) ** 2
    return (win.mean() - ref.mean()) / np.sqrt(v * (1.0 / w + 1.0 / len(ref))), v


def test_concept_drift_medium_from_error_files(tmp_path):
    args = ["monitor", *golden_drift_stream(tmp_path)]
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "DRIFT DETECTED" in r.stdout
    assert "Type     : CONCEPT" in r.stdout and "Severity : MEDIUM" in r.stdout
    assert "Action   : RETRAIN" in r.stdout
    assert "DRIFT since live error 184, severity weight 0.29" in r.stdout
    assert "259 reference errors, 184 live errors; window mean error z = 3.94; SETAR threshold" in r.stdout

    r = run(*args, "--json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    report, cd = concept_report(r)
    assert report["drift_types"] == ["concept"] and report["drift_type"] == "concept"
    assert report["severity"] == "medium" and report["action"] == "retrain"
    assert report["drift_detected"] is True
    assert report["data_drift"]["status"] == "not_monitored"
    assert report["model_drift"]["status"] == "not_monitored"
    assert cd["status"] == "drift" and cd["current_level"] == "drift"
    assert cd["latched"] is True and cd["fired_at"] == 184
    assert cd["n_reference"] == 259 and cd["n_seen"] == 184 and cd["n_window"] == 69
    trace = golden_addm()["sequential"]["trace"][183 - 59]
    assert trace["t"] == 183 and trace["decision"] == "DRIFT"
    assert cd["severity_weight"] == pytest.approx(trace["severity_raw"], rel=1e-12)
    assert cd["threshold"] == trace["threshold"]
    assert cd["delta_occupancy"] == pytest.approx(trace["delta_occupancy"], rel=1e-15)
    assert cd["parameters"] == {"smoothing": 10, "reference": 250, "window": 60, "lags": 5, "delay": 2,
                                "trim": 0.15, "delta_drift": 0.45, "delta_warning": 0.3,
                                "z_drift": 3.8, "z_warning": 2.5, "tsay_gate": False}
    # the default decision is the mean rule; its z is over the medium preset's 3.80
    seq = golden_addm()["sequential"]
    z, v = expected_mean_z(seq["e_val"], seq["e_live"][:184])
    assert cd["rule"] == "mean" and z >= 3.80
    assert cd["mean_z"] == pytest.approx(z, rel=1e-9) and cd["long_run_variance"] == pytest.approx(v, rel=1e-9)
    recs = report["recommendations"]
    assert len(recs) == 1
    assert recs[0].startswith("Concept drift (ADDM DRIFT"), recs
    assert recs[0].endswith("severity weight 0.29): retrain; blend predictions with weight 0.29 meanwhile"), recs
    log = (tmp_path / "logs" / "drift_events.jsonl").read_text().splitlines()
    event = json.loads(log[-1])
    assert event["drift_type"] == "concept" and event["severity"] == "medium"
    # SPEC's occupancy rule (addm_rule=1) reaches the same golden DRIFT with the same fit and z
    r = run(*args, "--json", "--set", "addm_rule=1", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    _, occ = concept_report(r)
    assert occ["rule"] == "occupancy" and occ["status"] == "drift" and occ["fired_at"] == 184
    for key in ("threshold", "delta_occupancy", "severity_weight", "mean_z"):
        assert occ[key] == cd[key], key


def test_concept_drift_high_exit_2(tmp_path):
    r = run("monitor", *generated_high_stream(tmp_path), "--json", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert "concept" in report["drift_types"] and report["drift_type"] == "concept"
    assert report["severity"] == "high" and report["action"] == "retrain"
    assert cd["status"] == "drift" and cd["severity"] == "high"
    assert cd["severity_weight"] >= 0.5
    assert cd["n_reference"] == 300 and cd["n_seen"] == 69 and cd["fired_at"] == 69


def test_error_file_formats(tmp_path):
    case = addm_case("moderate_045_to_060")  # golden WARNING, w = 0.2
    write_errors(tmp_path / "ref_plain.csv", case["e_val"], header=None)            # headerless
    write_errors(tmp_path / "live_dated.csv", case["e_win"], header="error", dates=True)  # Date,error
    write_errors(tmp_path / "ref_errors.csv", case["e_val"], header="errors")         # errors
    write_errors(tmp_path / "live_upper.csv", case["e_win"], header="Error", dates=True)  # any case
    reports = []
    for ref, live in (("ref_plain.csv", "live_dated.csv"), ("ref_errors.csv", "live_upper.csv"),
                      ("ref_errors.csv", "live_dated.csv")):
        r = run("monitor", "--baseline-errors", ref, "--errors", live, "--json", "--set", "addm_rule=1",
                cwd=tmp_path)
        assert r.returncode == 1, (ref, live, r.stdout + r.stderr)
        report, cd = concept_report(r)
        assert cd["status"] == "warning" and cd["severity"] == "low", cd
        assert cd["n_reference"] == 259 and cd["n_seen"] == 60
        assert cd["severity_weight"] == pytest.approx(case["result"]["severity"], rel=1e-12)
        assert cd["threshold"] == case["result"]["setar"]["threshold"]
        assert report["action"] == "watch" and report["drift_types"] == ["concept"]
        assert report["recommendations"] == [
            "Concept drift building up (ADDM WARNING, severity weight 0.20): watch the error rate; "
            "retrain if it reaches DRIFT"]
        reports.append(cd)
    for key in ("delta_occupancy", "frac_ref_high", "frac_win_high", "frac_tail_high", "n_low", "n_high",
                "mean_z"):
        assert reports[0][key] == reports[1][key] == reports[2][key], key


@pytest.mark.parametrize("extra,message", [
    (["--errors", "live.csv"], "--errors and --baseline-errors go together"),
    (["--baseline-errors", "ref.csv"], "--errors with --baseline-errors"),  # the general usage line
    (["--baseline-errors", "ref.csv", "--returns", "ref.csv", "--baseline-sharpe", "1"],
     "--errors and --baseline-errors go together"),
    (["--errors", "live.csv", "--baseline", "ref.csv"], "--baseline and --current are required"),
])
def test_concept_usage_errors_exit_3(tmp_path, extra, message):
    write_errors(tmp_path / "ref.csv", [0.0, 1.0] * 50)
    write_errors(tmp_path / "live.csv", [1.0, 1.0] * 50)
    r = run("monitor", *extra, cwd=tmp_path)
    assert r.returncode == 3, r.stdout + r.stderr
    assert message in r.stderr, r.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("which", ["live", "ref"])
def test_negative_error_in_file_exit_3(tmp_path, which):
    case = addm_case("stable_045")
    ref, live = list(case["e_val"]), list(case["e_win"])
    (live if which == "live" else ref)[17] = -1.0
    write_errors(tmp_path / "ref_errs.csv", ref)
    write_errors(tmp_path / "live_errs.csv", live)
    r = run("monitor", "--baseline-errors", "ref_errs.csv", "--errors", "live_errs.csv", cwd=tmp_path)
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"{which}_errs.csv" in r.stderr, r.stderr
    assert not (tmp_path / "reports").exists()
    assert not (tmp_path / "logs").exists()


def test_errors_file_without_error_column_exit_3(tmp_path):
    write_csv(tmp_path / "two.csv", ["alpha", "beta"], [[0.0, 1.0]] * 100)
    write_errors(tmp_path / "ref.csv", [0.0, 1.0] * 150)
    r = run("monitor", "--baseline-errors", "ref.csv", "--errors", "two.csv", cwd=tmp_path)
    assert r.returncode == 3
    assert "two.csv" in r.stderr, r.stderr


def test_errors_alone_no_drift_and_insufficient(tmp_path):
    case = addm_case("stable_045")
    write_errors(tmp_path / "ref.csv", case["e_val"])
    write_errors(tmp_path / "live.csv", case["e_win"])
    write_errors(tmp_path / "few.csv", case["e_win"][:45])
    r = run("monitor", "--baseline-errors", "ref.csv", "--errors", "live.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert cd["status"] == "none" and report["drift_types"] == [] and report["action"] == "continue"
    assert report["recommendations"] == ["No drift detected: continue with the current model"]
    r = run("monitor", "--baseline-errors", "ref.csv", "--errors", "live.csv", cwd=tmp_path)
    assert r.returncode == 0 and "No drift detected" in r.stdout
    assert "Model errors (concept drift, ADDM): ok" in r.stdout

    r = run("monitor", "--baseline-errors", "ref.csv", "--errors", "few.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert cd["status"] == "insufficient_data" and cd["severity"] == "none"
    assert cd["threshold"] is None and cd["severity_weight"] == 0
    assert report["recommendations"] == ["Not enough data for concept drift (45 live errors, need 60)"]

    write_errors(tmp_path / "short_ref.csv", case["e_val"][:50])
    r = run("monitor", "--baseline-errors", "short_ref.csv", "--errors", "live.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0
    assert json.loads(r.stdout)["recommendations"] == [
        "Not enough data for concept drift (50 reference errors, need 69)"]


def test_concept_with_data_drift(market):
    args = golden_drift_stream(market)
    # calm data, concept DRIFT (medium): concept is the type, retrain
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv", *args,
            "--json", cwd=market)
    assert r.returncode == 1, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert report["drift_types"] == ["concept"] and report["drift_type"] == "concept"
    assert report["action"] == "retrain"
    assert report["data_drift"]["status"] == "ok"
    # volatile data (high) with concept medium: data is the type, both listed in order data, concept
    r = run("monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv", *args,
            "--json", cwd=market)
    assert r.returncode == 2, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert report["drift_types"] == ["data", "concept"] and report["drift_type"] == "data"
    assert report["severity"] == "high" and report["action"] == "retrain"
    recs = report["recommendations"]
    assert recs[0].startswith("Data drift") and recs[1].startswith("Concept drift (ADDM DRIFT"), recs


def test_concept_warning_blocks_performance_first(market):
    """Data drift high, performance holding: watch -- unless concept drift is present (SPEC §6)."""
    base, cur, _ = drift_pair("no_change")
    write_returns(market / "base_ret.csv", base)
    write_returns(market / "live_ret.csv", cur)
    case = addm_case("moderate_045_to_060")  # WARNING, low
    write_errors(market / "ref.csv", case["e_val"])
    write_errors(market / "live.csv", case["e_win"])
    common = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
              "--returns", "live_ret.csv", "--baseline-returns", "base_ret.csv", "--json"]
    r = run(*common, cwd=market)
    assert json.loads(r.stdout)["action"] == "watch"
    r = run(*common, "--baseline-errors", "ref.csv", "--errors", "live.csv", "--set", "addm_rule=1", cwd=market)
    assert r.returncode == 2, r.stdout + r.stderr
    report, cd = concept_report(r)
    assert report["model_drift"]["status"] == "ok"
    assert cd["status"] == "warning" and cd["severity"] == "low"
    assert report["drift_types"] == ["data", "concept"] and report["drift_type"] == "data"
    assert report["action"] == "retrain"
    assert "holding" not in report["recommendations"][0]


def test_concept_sensitivity_and_set(tmp_path):
    case = addm_case("moderate_045_to_060")  # delta 0.404, tail 0.80
    write_errors(tmp_path / "ref.csv", case["e_val"])
    write_errors(tmp_path / "live.csv", case["e_win"])
    base = ["monitor", "--baseline-errors", "ref.csv", "--errors", "live.csv", "--json"]
    occupancy = [*base, "--set", "addm_rule=1"]
    # SPEC's rule: the presets move the occupancy thresholds
    expected = {"low": ("warning", 1, 0.55, 0.40), "medium": ("warning", 1, 0.45, 0.30),
                "high": ("drift", 1, 0.35, 0.20)}
    for level, (status, code, dd, dw) in expected.items():
        r = run(*occupancy, "--sensitivity", level, cwd=tmp_path)
        assert r.returncode == code, (level, r.stdout + r.stderr)
        _, cd = concept_report(r)
        assert cd["status"] == status and cd["rule"] == "occupancy", (level, cd["status"])
        assert cd["parameters"]["delta_drift"] == dd and cd["parameters"]["delta_warning"] == dw
    # an explicit threshold wins over the preset
    r = run(*occupancy, "--sensitivity", "high", "--set", "addm_delta_drift=0.45", cwd=tmp_path)
    _, cd = concept_report(r)
    assert cd["status"] == "warning" and cd["parameters"]["delta_drift"] == 0.45
    r = run(*occupancy, "--set", "addm_delta_warning=0.41", cwd=tmp_path)
    assert r.returncode == 0
    _, cd = concept_report(r)
    assert cd["status"] == "none"
    # the default mean rule: this window's mean is only z = 1.6 above the reference
    z, _ = expected_mean_z(case["e_val"], case["e_win"])
    presets = {"low": (4.26, 3.05), "medium": (3.8, 2.5), "high": (3.26, 2.22)}
    for level, (zd, zw) in presets.items():
        r = run(*base, "--sensitivity", level, cwd=tmp_path)
        assert r.returncode == 0, (level, r.stdout + r.stderr)
        _, cd = concept_report(r)
        assert cd["rule"] == "mean" and cd["status"] == "none"
        assert cd["mean_z"] == pytest.approx(z, rel=1e-9) and 1.0 < z < 2.22
        assert cd["parameters"]["z_drift"] == zd and cd["parameters"]["z_warning"] == zw
        assert cd["parameters"]["delta_drift"] == expected[level][2]
    # thresholds under the observed z turn it into WARNING, then DRIFT
    r = run(*base, "--set", "addm_z_warning=1.5", cwd=tmp_path)
    assert r.returncode == 1
    assert concept_report(r)[1]["status"] == "warning"
    r = run(*base, "--set", "addm_z_warning=1.0", "--set", "addm_z_drift=1.5", cwd=tmp_path)
    assert r.returncode == 1
    assert concept_report(r)[1]["status"] == "drift"
    r = run(*base, "--set", "addm_rule=2", cwd=tmp_path)
    assert r.returncode == 3 and "addm_rule" in r.stderr, r.stderr
    # other ADDM parameters reach the detector: a 40-error window needs 44 reference errors
    r = run(*base, "--set", "addm_window=40", "--set", "addm_smoothing=5", cwd=tmp_path)
    assert r.returncode in (0, 1, 2), r.stderr
    _, cd = concept_report(r)
    assert cd["parameters"]["window"] == 40 and cd["parameters"]["smoothing"] == 5
    assert cd["n_window"] == 44 and cd["n_seen"] == 60


# ---- baseline snapshots (pdrift baseline, docs/snapshot.md) ---------------------------------

def strip_source(report):
    report = dict(report)
    for key in ("generated_at",):
        report.pop(key)
    report["data_drift"] = dict(report["data_drift"], baseline=dict(report["data_drift"]["baseline"], source=None))
    return report


def test_snapshot_gives_the_same_report(market):
    write_returns(market / "val_ret.csv", np.random.default_rng(4).normal(0.001, 0.01, 300))
    write_errors(market / "val_err.csv", (np.random.default_rng(5).random(300) < 0.45).astype(float))
    r = run("baseline", "--from", "data/baseline.csv", "-o", "base.pdb", "--returns", "val_ret.csv",
            "--errors", "val_err.csv", cwd=market)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("base.pdb: baseline snapshot of 7 features from data/baseline.csv")
    write_returns(market / "live_ret.csv", np.random.default_rng(6).normal(-0.002, 0.02, 100))
    write_errors(market / "live_err.csv", (np.random.default_rng(7).random(100) < 0.7).astype(float))
    live = ["--current", "data/current_volatile.csv", "--returns", "live_ret.csv", "--errors", "live_err.csv",
            "--json", "--log", ""]
    a = run("monitor", "--baseline", "base.pdb", *live, "--report-dir", "ra", cwd=market)
    b = run("monitor", "--baseline", "data/baseline.csv", "--baseline-returns", "val_ret.csv",
            "--baseline-errors", "val_err.csv", *live, "--report-dir", "rb", cwd=market)
    assert a.returncode == b.returncode == 2, a.stderr + b.stderr
    ra, rb = json.loads(a.stdout), json.loads(b.stdout)
    assert ra["data_drift"]["baseline"]["source"] == "base.pdb"
    assert strip_source(ra) == strip_source(rb)
    assert ra["model_drift"]["baseline"]["n"] == 300 and ra["concept_drift"]["n_reference"] == 300


def test_snapshot_calibrated_for_the_window(market):
    """--window ROWS keeps the serial calibration for that window length in the
    snapshot: a bigger file, the same report as the CSV baseline."""
    rows = sum(1 for _ in open(market / "data/current_calm.csv")) - 1
    assert run("baseline", "--from", "data/baseline.csv", "-o", "plain.pdb", cwd=market).returncode == 0
    r = run("baseline", "--from", "data/baseline.csv", "-o", "cal.pdb", "--window", str(rows), cwd=market)
    assert r.returncode == 0, r.stderr
    assert f"calibrated for windows of {rows} rows" in r.stdout
    assert (market / "cal.pdb").stat().st_size > (market / "plain.pdb").stat().st_size
    live = ["--current", "data/current_calm.csv", "--json", "--log", ""]
    a = run("monitor", "--baseline", "cal.pdb", *live, "--report-dir", "ra", cwd=market)
    b = run("monitor", "--baseline", "data/baseline.csv", *live, "--report-dir", "rb", cwd=market)
    assert a.returncode == b.returncode, a.stderr + b.stderr
    ra, rb = json.loads(a.stdout), json.loads(b.stdout)
    assert any(f.get("calibration") == "baseline_windows" for f in ra["data_drift"]["features"]), ra
    assert strip_source(ra) == strip_source(rb)
    for bad in ("0", "-5", "ten", "12x"):
        r = run("baseline", "--from", "data/baseline.csv", "-o", "bad.pdb", "--window", bad, cwd=market)
        assert r.returncode == 3 and "--window" in r.stderr and not (market / "bad.pdb").exists(), bad


def test_snapshot_damage_exit_3(market):
    assert run("baseline", "--from", "data/baseline.csv", "-o", "base.pdb", cwd=market).returncode == 0
    data = (market / "base.pdb").read_bytes()
    (market / "cut.pdb").write_bytes(data[: len(data) // 2])
    r = run("monitor", "--baseline", "cut.pdb", "--current", "data/current_calm.csv", cwd=market)
    assert r.returncode == 3 and "cut.pdb: snapshot truncated" in r.stderr, r.stderr
    # a flipped bit in the metadata (names, cuts, fences...): refused at load
    flipped = bytearray(data)
    flipped[200] ^= 0x10
    (market / "flip.pdb").write_bytes(bytes(flipped))
    r = run("monitor", "--baseline", "flip.pdb", "--current", "data/current_calm.csv", cwd=market)
    assert r.returncode == 3 and "flip.pdb: snapshot checksum mismatch" in r.stderr, r.stderr
    # among the values: `pdrift monitor` maps the snapshot and checks a block
    # when it reads it; read whole, the load refuses it
    values_at = int.from_bytes(data[72:80], "little")
    flipped = bytearray(data)
    flipped[values_at + 3] ^= 0x10
    (market / "flip.pdb").write_bytes(bytes(flipped))
    r = run("monitor", "--baseline", "flip.pdb", "--current", "data/current_calm.csv", "--set", "snapshot_map=0",
            cwd=market)
    assert r.returncode == 3 and "flip.pdb: snapshot damaged: feature" in r.stderr, r.stderr
    r = run("baseline", "--from", "flip.pdb", "-o", "copy.pdb", cwd=market)
    assert r.returncode == 3 and "flip.pdb: snapshot damaged: feature" in r.stderr, r.stderr
    future = bytearray(data)
    future[8] = 9
    (market / "future.pdb").write_bytes(bytes(future))
    r = run("monitor", "--baseline", "future.pdb", "--current", "data/current_calm.csv", cwd=market)
    assert r.returncode == 3 and "snapshot format 9" in r.stderr and "newer" in r.stderr, r.stderr
    assert not (market / "reports").exists()
    write_errors(market / "live_err.csv", [1.0, 0.0] * 50)
    r = run("monitor", "--baseline", "base.pdb", "--current", "data/current_calm.csv", "--errors", "live_err.csv",
            cwd=market)
    assert r.returncode == 3 and "base.pdb holds no validation errors" in r.stderr, r.stderr
    r = run("baseline", "--from", "data/baseline.csv", cwd=market)
    assert r.returncode == 3 and "-o are required" in r.stderr
    r = run("baseline", "--from", "data/nope.csv", "-o", "x.pdb", cwd=market)
    assert r.returncode == 3 and "data/nope.csv" in r.stderr and not (market / "x.pdb").exists()
