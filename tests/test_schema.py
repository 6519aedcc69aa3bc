"""The JSON Schemas of docs/ against real files: every scenario's report, history and log lines.

docs/report.schema.json (the report), docs/history-entry.schema.json (a run of the history),
docs/history.schema.json (the whole history file) and docs/log-line.schema.json (a line of the
JSONL event log) are checked against what the real CLI ($PDRIFT, default build/pdrift) writes
in every scenario: no drift, data drift low / medium / high, missing values, insufficient data,
concept drift (warning, medium, high, insufficient), model drift (retrain, fallback, holding,
insufficient), escalation, hooks that are sent, fail, time out or cool down, a snapshot
baseline — and the library's own pdrift_report_json through the Python binding.

The schemas must not be vacuous: the scenarios must between them produce every value of the
main enums, and mutated files (a wrong enum, a missing key, a p-value of 1.5, ...) must be
rejected for the mutated part.

Run by `make check-schema` (mk/schema.mk), with Debian's python3-jsonschema.
"""
import copy
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from jsonschema import Draft202012Validator, RefResolver

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DOCS = REPO / "docs"
sys.path.insert(0, str(TESTS))

# The data generators and golden cases of the CLI tests, reused as they are.
from test_cli import (addm_case, drift_pair, feature_table, generated_high_stream,  # noqa: E402
                      golden_drift_stream, run, write_errors, write_returns)

PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))


# ---- the schemas ------------------------------------------------------------------------------

def load_schema(name):
    return json.loads((DOCS / name).read_text())


def validator(name, subschema=None):
    """A draft 2020-12 validator of docs/NAME; relative $refs resolve to the files beside it."""
    schema = load_schema(name)
    store = {(DOCS / n).as_uri(): load_schema(n) for n in
             ("report.schema.json", "history-entry.schema.json", "history.schema.json", "log-line.schema.json")}
    resolver = RefResolver(base_uri=(DOCS / name).as_uri(), referrer=schema, store=store)
    return Draft202012Validator(subschema if subschema is not None else schema, resolver=resolver)


REPORT = validator("report.schema.json")
ENTRY = validator("history-entry.schema.json")
HISTORY = validator("history.schema.json")
LOG_LINE = validator("log-line.schema.json")
SUMMARY = validator("history.schema.json", load_schema("history.schema.json")["$defs"]["summary"])


def assert_valid(v, doc, what):
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, f"{what}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in errors[:5])


@pytest.mark.parametrize("name", ["report.schema.json", "history-entry.schema.json", "history.schema.json",
                                  "log-line.schema.json"])
def test_schemas_are_valid_draft_2020_12(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


# ---- scenarios: real runs of the CLI ----------------------------------------------------------

class Artifacts:
    """What the runs of one scenario left: every report printed or written, the history, the log."""

    def __init__(self, folder):
        self.folder = folder
        self.reports = []      # every report, in run order (the --json output or the written file)
        self.codes = []

    def monitor(self, *args, report_dir="reports"):
        r = run("monitor", *args, "--report-dir", report_dir, "--json", cwd=self.folder)
        assert r.returncode in (0, 1, 2), r.stdout + r.stderr
        report = json.loads(r.stdout)
        written = json.loads((self.folder / report_dir / "drift_monitoring_latest.json").read_text())
        assert written == report  # --json prints what it writes
        self.reports.append(report)
        self.codes.append(r.returncode)
        return report

    @property
    def report(self):
        return self.reports[-1]

    def history(self, report_dir="reports"):
        return json.loads((self.folder / report_dir / "drift_report.json").read_text())

    def log_lines(self):
        path = self.folder / "logs" / "drift_events.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def sample_market(folder):
    r = run("sample-data", "data", cwd=folder)
    assert r.returncode == 0, r.stderr


CALM = ["--baseline", "data/baseline.csv", "--current", "data/current_calm.csv", "--model", "demo"]
VOLATILE = ["--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv", "--model", "demo"]


def scenario_no_drift(a):
    sample_market(a.folder)
    report = a.monitor(*CALM, "--alert-cmd", "touch alerted", "--auto-retrain")
    assert report["severity"] == "none" and report["action"] == "continue"
    assert not (a.folder / "alerted").exists()


def scenario_baseline_against_itself(a):
    """The production checklist's first check; a window as long as the baseline leaves no
    baseline windows to calibrate on, so dependent features use their autocorrelation."""
    sample_market(a.folder)
    report = a.monitor("--baseline", "data/baseline.csv", "--current", "data/baseline.csv")
    assert report["severity"] == "none"
    assert "autocorrelation" in {f["calibration"] for f in report["data_drift"]["features"]}


def scenario_data_low(a):
    feature_table(a.folder / "base.csv", 4000, seed=1)
    feature_table(a.folder / "cur.csv", 2000, shift=0.3, seed=3)
    report = a.monitor("--baseline", "base.csv", "--current", "cur.csv", "--sensitivity", "high")
    assert report["severity"] == "low" and report["action"] == "watch"


def scenario_data_medium(a):
    feature_table(a.folder / "base.csv", 2000, seed=1)
    feature_table(a.folder / "cur.csv", 300, shift=0.3, seed=3)
    report = a.monitor("--baseline", "base.csv", "--current", "cur.csv", "--set", "correction=2")
    assert report["severity"] == "medium" and report["action"] == "watch"
    assert report["data_drift"]["correction"] == "bonferroni"


def scenario_data_high_hooks_sent(a):
    sample_market(a.folder)
    report = a.monitor(*VOLATILE, "--alert-cmd", "cat > alert.json", "--auto-retrain", "--retrain-cmd", "true")
    assert report["severity"] == "high" and report["action"] == "retrain"
    run_ = a.history()["runs"][-1]
    assert run_["alert"]["status"] == "sent" and run_["retrain"]["status"] == "started"
    assert json.loads((a.folder / "alert.json").read_text()) == report  # the hook read the report


def scenario_hooks_cooldown_failure_timeout(a):
    sample_market(a.folder)
    hooks = ["--alert-cmd", "exit 7", "--auto-retrain", "--retrain-cmd", "exit 4"]
    a.monitor(*VOLATILE, *hooks)
    a.monitor(*VOLATILE, *hooks)
    a.monitor(*VOLATILE, "--alert-cmd", "sleep 30", "--alert-cooldown", "0", "--auto-retrain",
              "--retrain-cmd", "sleep 30", "--retrain-cooldown", "0", "--hook-timeout", "0.3")
    runs = a.history()["runs"]
    assert [r["alert"]["status"] for r in runs] == ["failed", "cooldown", "timeout"]
    assert [r["retrain"]["status"] for r in runs] == ["failed", "cooldown", "timeout"]


def scenario_missing_values(a):
    feature_table(a.folder / "base.csv", 2000, seed=1, missing=0.01)
    feature_table(a.folder / "cur.csv", 500, seed=2, missing=0.40)
    report = a.monitor("--baseline", "base.csv", "--current", "cur.csv", "--set", "serial_correction=0")
    gamma = next(f for f in report["data_drift"]["features"] if f["name"] == "gamma")
    assert gamma["gates"]["missing"] and gamma["calibration"] == "independent"


def scenario_insufficient_data(a):
    feature_table(a.folder / "base.csv", 500, seed=1)
    feature_table(a.folder / "cur.csv", 12, seed=2)
    report = a.monitor("--baseline", "base.csv", "--current", "cur.csv")
    assert report["data_drift"]["status"] == "insufficient_data"


def scenario_escalation(a):
    feature_table(a.folder / "base.csv", 2000, seed=1)
    feature_table(a.folder / "cur.csv", 300, shift=0.3, seed=3)
    for _ in range(3):
        a.monitor("--baseline", "base.csv", "--current", "cur.csv", "--auto-retrain")
    assert [r["escalation"]["escalated"] for r in a.reports] == [False, False, True]
    assert a.report["action"] == "retrain" and a.report["escalation"]["action_before"] == "watch"


def scenario_concept_medium(a):
    report = a.monitor(*golden_drift_stream(a.folder))
    assert report["concept_drift"]["status"] == "drift" and report["severity"] == "medium"


def scenario_concept_high(a):
    report = a.monitor(*generated_high_stream(a.folder))
    assert report["concept_drift"]["severity"] == "high"


def scenario_concept_warning_occupancy(a):
    case = addm_case("moderate_045_to_060")
    write_errors(a.folder / "ref.csv", case["e_val"])
    write_errors(a.folder / "live.csv", case["e_win"])
    report = a.monitor("--baseline-errors", "ref.csv", "--errors", "live.csv", "--set", "addm_rule=1")
    assert report["concept_drift"]["status"] == "warning" and report["concept_drift"]["rule"] == "occupancy"


def scenario_concept_none_and_insufficient(a):
    case = addm_case("stable_045")
    write_errors(a.folder / "ref.csv", case["e_val"])
    write_errors(a.folder / "live.csv", case["e_win"])
    write_errors(a.folder / "few.csv", case["e_win"][:45])
    assert a.monitor("--baseline-errors", "ref.csv", "--errors", "live.csv")["concept_drift"]["status"] == "none"
    report = a.monitor("--baseline-errors", "ref.csv", "--errors", "few.csv")
    assert report["concept_drift"]["status"] == "insufficient_data"


def scenario_model_fallback(a):
    base, cur, _ = drift_pair("sharpe_halved")
    write_returns(a.folder / "base.csv", base)
    write_returns(a.folder / "live.csv", cur)
    report = a.monitor("--returns", "live.csv", "--baseline-returns", "base.csv")
    assert report["action"] == "fallback" and report["data_drift"]["status"] == "not_monitored"


def scenario_model_retrain_and_metrics(a):
    base, cur, _ = drift_pair("degradation_25pct")
    write_returns(a.folder / "base.csv", base)
    write_returns(a.folder / "live.csv", cur)
    assert a.monitor("--returns", "live.csv", "--baseline-returns", "base.csv")["action"] == "retrain"
    report = a.monitor("--returns", "live.csv", "--baseline-sharpe", "1.5", "--baseline-max-dd", "-12",
                       "--baseline-win-rate", "55")
    assert report["model_drift"]["baseline"]["source"] == "metrics"
    report = a.monitor("--returns", "live.csv", "--baseline-sharpe", "-0.5")
    assert report["model_drift"]["sharpe_degradation_mode"] == "absolute"


def scenario_model_insufficient(a):
    base, cur, _ = drift_pair("no_change")
    write_returns(a.folder / "base.csv", base)
    write_returns(a.folder / "live.csv", cur[:5])
    report = a.monitor("--returns", "live.csv", "--baseline-returns", "base.csv")
    assert report["model_drift"]["status"] == "insufficient_data"


def scenario_everything_performance_holding(a):
    """Volatile data, performance holding, concept monitored: SPEC §6's performance first."""
    sample_market(a.folder)
    base, cur, _ = drift_pair("no_change")
    write_returns(a.folder / "base_ret.csv", base)
    write_returns(a.folder / "live_ret.csv", cur)
    case = addm_case("stable_045")
    write_errors(a.folder / "ref.csv", case["e_val"])
    write_errors(a.folder / "live.csv", case["e_win"])
    report = a.monitor(*VOLATILE, "--returns", "live_ret.csv", "--baseline-returns", "base_ret.csv",
                       "--baseline-errors", "ref.csv", "--errors", "live.csv")
    assert report["model_drift"]["status"] == "ok" and report["action"] == "watch"
    assert report["severity"] == "high" and report["concept_drift"]["status"] == "none"


def scenario_snapshot_baseline(a):
    sample_market(a.folder)
    r = run("baseline", "--from", "data/baseline.csv", "-o", "baseline.pdb", cwd=a.folder)
    assert r.returncode == 0, r.stderr
    report = a.monitor("--baseline", "baseline.pdb", "--current", "data/current_volatile.csv", "--model", "")
    assert report["data_drift"]["baseline"]["source"] == "baseline.pdb"


SCENARIOS = {name[len("scenario_"):]: f for name, f in sorted(globals().items()) if name.startswith("scenario_")}
_done = {}


@pytest.fixture()
def scenario(tmp_path_factory):
    """Run a scenario once per session (the coverage test looks at all of them again)."""
    def get(name):
        if name not in _done:
            a = Artifacts(tmp_path_factory.mktemp(name))
            SCENARIOS[name](a)
            _done[name] = a
        return _done[name]
    return get


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_file_of_the_scenario_is_valid(scenario, name):
    a = scenario(name)
    assert a.reports
    for i, report in enumerate(a.reports):
        assert_valid(REPORT, report, f"{name} report {i}")
        assert "escalation" in report  # the CLI always adds it
    history = a.history()
    assert_valid(HISTORY, history, f"{name} history")
    assert len(history["runs"]) == len(a.reports)
    for i, entry in enumerate(history["runs"]):
        assert_valid(ENTRY, entry, f"{name} history run {i}")
    r = run("summary", "--json", cwd=a.folder)
    assert r.returncode == 0, r.stderr
    assert_valid(SUMMARY, json.loads(r.stdout), f"{name} summary")
    lines = a.log_lines()
    assert len(lines) == sum(rep["severity"] != "none" for rep in a.reports)  # one line per drift event
    for i, line in enumerate(lines):
        assert_valid(LOG_LINE, line, f"{name} log line {i}")


def library_reports():
    """pdrift_report_json's own output (no CLI, no escalation), through the Python binding."""
    sys.path.insert(0, str(REPO / "bindings" / "python"))
    os.environ.setdefault("PDRIFT_LIBRARY", str(Path(PDRIFT).parent / "libploutosdrift.so.1"))
    import ploutos_drift as pd
    rng = np.random.default_rng(7)
    names = ["spread", "volume", "momentum"]
    out = []
    with pd.Monitor(model="binding") as m:
        m.set_baseline(rng.standard_normal((2000, 3)), names=names)
        m.observe(rng.standard_normal((400, 3)) + np.array([0.8, 0.0, 0.1]))
        m.baseline_returns(rng.normal(0.001, 0.01, 500))
        m.observe_returns(rng.normal(-0.001, 0.02, 100))
        out.append(m.detect().report)
    with pd.Monitor() as m:  # a baseline but nothing observed: every feature insufficient
        m.set_baseline(rng.standard_normal((100, 2)), names=["a", "b"])
        out.append(m.detect().report)
    return out


def test_library_reports_are_valid():
    reports = library_reports()
    assert reports[0]["drift_detected"] and reports[0]["model"] == "binding"
    assert reports[1]["data_drift"]["status"] == "insufficient_data" and reports[1]["model"] is None
    for i, report in enumerate(reports):
        assert "escalation" not in report  # only the CLI escalates
        assert_valid(REPORT, report, f"library report {i}")


def test_scenarios_cover_every_value(scenario):
    """Between them the scenarios produce every value the schema's main enums allow, so each
    branch of the schema met a real file."""
    reports = [rep for name in sorted(SCENARIOS) for rep in scenario(name).reports]
    entries = [e for name in sorted(SCENARIOS) for e in scenario(name).history()["runs"]]
    seen = {
        "severity": {r["severity"] for r in reports},
        "action": {r["action"] for r in reports},
        "drift_types": {t for r in reports for t in r["drift_types"]},
        "data status": {r["data_drift"]["status"] for r in reports},
        "data severity": {r["data_drift"]["severity"] for r in reports},
        "feature status": {f["status"] for r in reports for f in r["data_drift"]["features"]},
        "calibration": {f["calibration"] for r in reports for f in r["data_drift"]["features"]},
        "concept status": {r["concept_drift"]["status"] for r in reports},
        "concept rule": {r["concept_drift"]["rule"] for r in reports},
        "model status": {r["model_drift"]["status"] for r in reports},
        "model source": {r["model_drift"]["baseline"]["source"] for r in reports},
        "escalated": {r["escalation"]["escalated"] for r in reports},
        "alert": {e["alert"]["status"] for e in entries},
        "retrain": {e["retrain"]["status"] for e in entries},
    }
    report_defs = load_schema("report.schema.json")["$defs"]
    entry_props = load_schema("history-entry.schema.json")["properties"]
    expected = {
        "severity": set(report_defs["severity"]["enum"]),
        "action": set(report_defs["action"]["enum"]),
        "drift_types": set(report_defs["drift_type"]["enum"]),
        "data status": set(report_defs["data_drift"]["properties"]["status"]["enum"]),
        "data severity": set(report_defs["severity"]["enum"]),
        "feature status": set(report_defs["feature"]["properties"]["status"]["enum"]),
        "calibration": set(report_defs["feature"]["properties"]["calibration"]["enum"]),
        "concept status": set(report_defs["concept_drift"]["properties"]["status"]["enum"]),
        "concept rule": set(report_defs["concept_drift"]["properties"]["rule"]["enum"]),
        "model status": set(report_defs["model_drift"]["properties"]["status"]["enum"]),
        "model source": {"returns", "metrics", None},
        "escalated": {True, False},
        "alert": set(entry_props["alert"]["properties"]["status"]["enum"]),
        "retrain": set(entry_props["retrain"]["properties"]["status"]["enum"]),
    }
    missing = {k: expected[k] - seen[k] for k in expected if expected[k] - seen[k]}
    assert not missing, f"values the scenarios never produced: {missing}"


# ---- the schemas reject what is wrong ---------------------------------------------------------

def path_of(error):
    return tuple(error.absolute_path)


def all_errors(errors):
    for e in errors:
        yield e
        yield from all_errors(e.context or [])


def set_at(doc, path, value):
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def delete_at(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    del doc[path[-1]]


def rejected_at(v, doc, path):
    """The document is invalid, and at least one error is at `path` or inside it."""
    errors = list(v.iter_errors(doc))
    assert errors, "accepted"
    paths = {path_of(e) for e in all_errors(errors)}
    assert any(p[:len(path)] == tuple(path) for p in paths), (path, sorted(paths, key=str))


REPORT_MUTATIONS = [
    # (what, path, value or DELETE, where the error must be)
    ("wrong severity enum", ("severity",), "severe", ("severity",)),
    ("wrong action enum", ("action",), "panic", ("action",)),
    ("wrong drift type", ("drift_types",), ["data", "price"], ("drift_types", 1)),
    ("missing action", ("action",), "DELETE", ()),
    ("missing data_drift", ("data_drift",), "DELETE", ()),
    ("unknown key", ("surprise",), 1, ()),
    ("schema version 2", ("schema_version",), 2, ("schema_version",)),
    ("p-value 1.5", ("data_drift", "features", 0, "ks_pvalue"), 1.5, ("data_drift", "features", 0, "ks_pvalue")),
    ("negative p-value", ("data_drift", "features", 0, "psi_pvalue"), -0.01,
     ("data_drift", "features", 0, "psi_pvalue")),
    ("KS D above 1", ("data_drift", "features", 0, "ks_statistic"), 1.2, ("data_drift", "features", 0, "ks_statistic")),
    ("negative PSI", ("data_drift", "features", 0, "psi"), -0.3, ("data_drift", "features", 0, "psi")),
    ("PSI as text", ("data_drift", "features", 0, "psi"), "8.27", ("data_drift", "features", 0, "psi")),
    ("NaN text", ("data_drift", "psi_max"), "NaN", ("data_drift", "psi_max")),
    ("feature status", ("data_drift", "features", 0, "status"), "drifting", ("data_drift", "features", 0, "status")),
    ("missing gate", ("data_drift", "features", 0, "gates", "ks"), "DELETE", ("data_drift", "features", 0, "gates")),
    ("drift without severity", ("data_drift", "features", 0, "severity"), "none", ("data_drift", "features", 0)),
    ("no drift but high", ("drift_detected",), False, ()),
    ("count as float", ("data_drift", "n_features"), 7.5, ("data_drift", "n_features")),
    ("concept status", ("concept_drift", "status"), "drifted", ("concept_drift", "status")),
    ("severity weight 2", ("concept_drift", "severity_weight"), 2, ("concept_drift", "severity_weight")),
    ("model status", ("model_drift", "status"), "warning", ("model_drift", "status")),
    ("drawdown above 0", ("model_drift", "current", "max_drawdown"), 0.2, ("model_drift", "current", "max_drawdown")),
    ("bad timestamp", ("generated_at",), "28/11/2026 10:40", ("generated_at",)),
    ("threshold alpha 0.9", ("thresholds", "alpha"), 0.9, ("thresholds", "alpha")),
    ("escalated without action_before", ("escalation", "escalated"), True, ("escalation",)),
    ("data drift not listed", ("drift_types",), [], ("drift_types",)),
]


@pytest.mark.parametrize("what,path,value,where", REPORT_MUTATIONS, ids=[m[0] for m in REPORT_MUTATIONS])
def test_report_mutations_are_rejected(scenario, what, path, value, where):
    original = scenario("data_high_hooks_sent").report
    assert_valid(REPORT, original, "the unmutated report")
    doc = copy.deepcopy(original)
    if value == "DELETE":
        delete_at(doc, path)
    else:
        set_at(doc, path, value)
    rejected_at(REPORT, doc, where)


ENTRY_MUTATIONS = [
    ("alert status", ("alert", "status"), "mailed", ("alert", "status")),
    ("missing escalated", ("escalated",), "DELETE", ()),
    ("sent without exit status", ("alert", "exit_status"), "DELETE", ("alert",)),
    ("sent with exit status 3", ("alert", "exit_status"), 3, ("alert", "exit_status")),
    ("feature p-value 1.5", ("features", 0, "ks_pvalue"), 1.5, ("features", 0, "ks_pvalue")),
    ("win rate 55", ("metrics", "win_rate", "baseline"), 55, ("metrics", "win_rate", "baseline")),
    ("escalated but fallback", ("escalated",), True, ("action",)),
]


@pytest.mark.parametrize("what,path,value,where", ENTRY_MUTATIONS, ids=[m[0] for m in ENTRY_MUTATIONS])
def test_history_entry_mutations_are_rejected(scenario, what, path, value, where):
    original = scenario("data_high_hooks_sent").history()["runs"][-1]
    if what == "escalated but fallback":
        original = copy.deepcopy(original)
        original["action"] = "fallback"
    assert_valid(ENTRY, original, "the unmutated entry")
    doc = copy.deepcopy(original)
    if value == "DELETE":
        delete_at(doc, path)
    else:
        set_at(doc, path, value)
    rejected_at(ENTRY, doc, where)


def test_history_file_mutations_are_rejected(scenario):
    history = scenario("escalation").history()
    assert_valid(HISTORY, history, "the unmutated history")
    doc = copy.deepcopy(history)
    doc["runs"][1]["severity"] = "extreme"  # an entry, through the relative $ref
    rejected_at(HISTORY, doc, ("runs", 1, "severity"))
    doc = copy.deepcopy(history)
    doc["summary"]["drift_rate"] = 1.5
    rejected_at(HISTORY, doc, ("summary", "drift_rate"))
    doc = copy.deepcopy(history)
    del doc["summary"]["by_severity"]["medium"]
    rejected_at(HISTORY, doc, ("summary", "by_severity"))


LOG_MUTATIONS = [
    ("severity none", ("severity",), "none", ("severity",)),
    ("missing report", ("report",), "DELETE", ()),
    ("no drift type", ("drift_type",), None, ("drift_type",)),
    ("retrain status", ("retrain", "status"), "queued", ("retrain", "status")),
    ("cooldown without remaining", ("alert",), {"status": "cooldown"}, ("alert",)),
    ("unknown key", ("host",), "trader-1", ()),
]


@pytest.mark.parametrize("what,path,value,where", LOG_MUTATIONS, ids=[m[0] for m in LOG_MUTATIONS])
def test_log_line_mutations_are_rejected(scenario, what, path, value, where):
    original = scenario("data_high_hooks_sent").log_lines()[-1]
    assert_valid(LOG_LINE, original, "the unmutated line")
    doc = copy.deepcopy(original)
    if value == "DELETE":
        delete_at(doc, path)
    else:
        set_at(doc, path, value)
    rejected_at(LOG_LINE, doc, where)
