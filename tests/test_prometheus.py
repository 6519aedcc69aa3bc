"""The Prometheus textfile output of pdrift (examples/pdrift/prometheus.c).

Run by `make check-prometheus`: $PROM_DRIVER (tests/prom_driver.c) calls
write_prometheus on a report and a summary; $PDRIFT makes real reports.

The output is read by a strict parser of the text exposition format 0.0.4
written here from the specification (prometheus/docs, exposition_formats.md),
checked against the report value by value, and, when Debian's `prometheus`
package is installed, by `promtool check metrics` as well.
"""
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
from datetime import datetime, timezone

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROM_DRIVER = os.path.abspath(os.environ.get("PROM_DRIVER", "build/tests/prom_driver"))
PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))
DASHBOARD = os.path.join(HERE, "..", "docs", "grafana", "pdrift-dashboard.json")
PROMTOOL = shutil.which("promtool")

# ---- a strict parser of the text exposition format 0.0.4 ------------------------

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
# What Go's strconv.ParseFloat accepts (without '_' separators, which no
# writer uses): decimal, hexadecimal with a p exponent, [+-]Inf[inity], NaN.
GO_FLOAT = re.compile(r"""(?:[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?
                               |0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+
                               |(?i:inf(?:inity)?))
                          |(?i:nan))\Z""", re.X)
TIMESTAMP = re.compile(r"-?\d+\Z")
BLANKS = " \t"


class ExpositionError(Exception):
    pass


class Family:
    def __init__(self, name):
        self.name, self.help, self.type, self.samples = name, None, None, []


def parse_float(token):
    if not GO_FLOAT.match(token):
        raise ExpositionError(f"not a float: {token!r}")
    if "x" in token.lower() and "inf" not in token.lower():
        return float.fromhex(token)
    return float(token)


class Line:
    """A cursor over one line."""

    def __init__(self, text, number):
        self.text, self.pos, self.number = text, 0, number

    def fail(self, why):
        raise ExpositionError(f"line {self.number}: {why}: {self.text!r}")

    def blanks(self):
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in BLANKS:
            self.pos += 1
        return self.pos > start

    def token(self):
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in BLANKS:
            self.pos += 1
        return self.text[start:self.pos]

    def match(self, regex, what):
        m = regex.match(self.text, self.pos)
        if not m:
            self.fail(f"expected {what}")
        self.pos = m.end()
        return m.group(0)

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char):
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def at_end(self):
        return self.pos == len(self.text)


def read_escaped(line, quote):
    """Up to the closing quote (label value) or the end (HELP): only \\\\, \\n
    and, in a label value, \\" are escapes; anything else after \\ is an error."""
    allowed = {"\\": "\\", "n": "\n"}
    if quote:
        allowed['"'] = '"'
    out = []
    while True:
        c = line.peek()
        if c == "":
            if quote:
                line.fail("unterminated label value")
            return "".join(out)
        line.pos += 1
        if quote and c == '"':
            return "".join(out)
        if c == "\\":
            e = line.peek()
            if e not in allowed or e == "":
                line.fail(f"invalid escape \\{e}")
            line.pos += 1
            out.append(allowed[e])
        else:
            out.append(c)


def read_labels(line):
    labels = {}
    line.expect("{")
    line.blanks()
    while line.peek() != "}":
        name = line.match(LABEL_NAME, "a label name")
        if name.startswith("__"):
            line.fail(f"reserved label name {name}")
        if name in labels:
            line.fail(f"duplicate label {name}")
        line.blanks()
        line.expect("=")
        line.blanks()
        line.expect('"')
        labels[name] = read_escaped(line, quote=True)
        line.blanks()
        if line.peek() == ",":  # also a trailing comma before '}'
            line.pos += 1
            line.blanks()
        elif line.peek() != "}":
            line.fail("expected ',' or '}'")
    line.pos += 1
    return labels


def parse_exposition(data):
    """bytes -> {family name: Family}, in order; ExpositionError if invalid."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ExpositionError(f"not UTF-8: {e}") from None
    if text and not text.endswith("\n"):
        raise ExpositionError("no newline at the end")
    families, closed, series = {}, set(), set()
    current = None

    def enter(name, line):
        nonlocal current
        if name == current:
            return families[name]
        if name in closed:
            line.fail(f"lines of {name} are not one group")
        if current is not None:
            closed.add(current)
        current = name
        return families.setdefault(name, Family(name))

    for number, raw in enumerate(text.split("\n")[:-1], 1):
        line = Line(raw, number)
        line.blanks()
        if line.at_end():
            continue
        if line.peek() == "#":
            line.pos += 1
            line.blanks()
            keyword = line.token()
            if keyword not in ("HELP", "TYPE"):
                continue  # a comment
            if not line.blanks():
                line.fail("expected a metric name")
            name = line.match(METRIC_NAME, "a metric name")
            if not line.at_end() and not line.blanks():
                line.fail("bad metric name")
            family = enter(name, line)
            if family.samples:
                line.fail(f"{keyword} after the samples of {name}")
            if keyword == "HELP":
                if family.help is not None:
                    line.fail(f"second HELP for {name}")
                family.help = read_escaped(line, quote=False)
            else:
                if family.type is not None:
                    line.fail(f"second TYPE for {name}")
                family.type = line.token()
                if family.type not in TYPES:
                    line.fail(f"unknown type {family.type!r}")
                line.blanks()
                if not line.at_end():
                    line.fail("text after the type")
            continue
        name = line.match(METRIC_NAME, "a metric name")
        labels = read_labels(line) if line.peek() == "{" else {}
        if not line.blanks():
            line.fail("expected a blank before the value")
        value = parse_float(line.token())
        timestamp = None
        if line.blanks() and not line.at_end():
            token = line.token()
            if not TIMESTAMP.match(token):
                line.fail("bad timestamp")
            timestamp = int(token)
            line.blanks()
        if not line.at_end():
            line.fail("text after the sample")
        family_name = name
        for suffix, kinds in (("_bucket", ("histogram",)), ("_sum", ("histogram", "summary")),
                              ("_count", ("histogram", "summary"))):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and base in families and families[base].type in kinds:
                family_name = base
        family = enter(family_name, line)
        if family.type in ("counter", "gauge", "untyped", None) and name != family_name:
            line.fail("sample name differs from its family")
        if family.type == "counter":
            if not name.endswith("_total"):
                line.fail("a counter's name must end in _total")
            if value < 0:
                line.fail("a negative counter")
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            line.fail("duplicate series")
        series.add(key)
        family.samples.append((name, labels, value, timestamp))
    return families


def series_of(families):
    """{(name, ((label, value), ...)): value}"""
    return {(name, tuple(sorted(labels.items()))): value
            for f in families.values() for name, labels, value, _ in f.samples}


# ---- what write_prometheus must write, from the report --------------------------

SEVERITY = {"none": 0, "low": 1, "medium": 2, "high": 3}
ACTION = {"continue": 0, "watch": 1, "retrain": 2, "fallback": 3}
ADDM_LEVEL = {"none": 0, "warning": 1, "drift": 2, "insufficient_data": 3}  # not_monitored: none
FEATURE_METRICS = ["pdrift_feature_psi", "pdrift_feature_ks_statistic", "pdrift_feature_ks_pvalue",
                   "pdrift_feature_drift", "pdrift_feature_severity"]
GAUGES = FEATURE_METRICS + [
    "pdrift_drift_detected", "pdrift_severity", "pdrift_action", "pdrift_drift_type",
    "pdrift_drifted_features", "pdrift_psi_max", "pdrift_sharpe_ratio", "pdrift_max_drawdown",
    "pdrift_win_rate", "pdrift_addm_level", "pdrift_addm_severity_weight", "pdrift_addm_mean_z",
    "pdrift_last_run_timestamp_seconds"]
COUNTERS = {"pdrift_runs_total": "total_checks", "pdrift_drift_events_total": "drift_events",
            "pdrift_alerts_total": "alerts", "pdrift_retrains_total": "retrains",
            "pdrift_escalations_total": "escalations"}


def unix_seconds(stamp):
    """ISO 8601 with Z or a +-HH:MM offset (the CLI's shared parser, text.c), else None."""
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            t = datetime.strptime(stamp, fmt)
        except (TypeError, ValueError):
            continue
        return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp()
    return None


def expected_series(report, summary=None):
    model = report.get("model") or "default"
    out = {}

    def put(name, value, **labels):
        if value is not None:
            out[(name, tuple(sorted({"model": model, **labels}.items())))] = float(value)

    data = report["data_drift"]
    for f in data["features"]:
        put("pdrift_feature_psi", f["psi"], feature=f["name"])
        put("pdrift_feature_ks_statistic", f["ks_statistic"], feature=f["name"])
        put("pdrift_feature_ks_pvalue", f["ks_pvalue_adjusted"], feature=f["name"])
        put("pdrift_feature_drift", f["status"] == "drift", feature=f["name"])
        put("pdrift_feature_severity", SEVERITY.get(f["severity"]), feature=f["name"])
    detected = report["drift_detected"]
    put("pdrift_drift_detected", None if detected is None else int(detected))
    put("pdrift_severity", SEVERITY.get(report["severity"]))
    put("pdrift_action", ACTION.get(report["action"]))
    for kind in ("data", "concept", "model"):
        put("pdrift_drift_type", kind in report["drift_types"], type=kind)
    put("pdrift_drifted_features", data["n_drifted"])
    put("pdrift_psi_max", data["psi_max"])
    trading = report["model_drift"]
    for period in ("baseline", "current"):
        put("pdrift_sharpe_ratio", trading[period]["sharpe"], period=period)
        put("pdrift_max_drawdown", trading[period]["max_drawdown"], period=period)
        put("pdrift_win_rate", trading[period]["win_rate"], period=period)
    concept = report["concept_drift"]
    put("pdrift_addm_level", ADDM_LEVEL.get(concept["status"]))
    put("pdrift_addm_severity_weight", concept["severity_weight"])
    put("pdrift_addm_mean_z", concept["mean_z"])
    put("pdrift_last_run_timestamp_seconds", unix_seconds(report["generated_at"]))
    if summary is not None:
        for name, key in COUNTERS.items():
            put(name, summary.get(key))
    return out


# ---- running things ---------------------------------------------------------------

def pdrift(*args, cwd):
    r = subprocess.run([PDRIFT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1, 2), r.stderr
    return r


def driver(report_path, summary_path, out_path, **kwargs):
    return subprocess.run([PROM_DRIVER, str(report_path), str(summary_path or "-"), str(out_path)],
                          capture_output=True, text=True, timeout=60, **kwargs)


def write_metrics(tmp_path, report, summary=None, raw=None):
    """The .prom file's bytes for a report (a dict, or raw JSON bytes)."""
    report_path = tmp_path / "report.json"
    report_path.write_bytes(raw if raw is not None
                            else json.dumps(report, ensure_ascii=False).encode("utf-8"))
    summary_path = None
    if summary is not None:
        summary_path = tmp_path / "summary.json"
        summary_path.write_text(json.dumps(summary))
    out = tmp_path / "pdrift.prom"
    r = driver(report_path, summary_path, out)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


def column_csv(path, name, values, fmt):
    path.write_text(name + "\n" + "".join(fmt % v + "\n" for v in values))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Real reports of pdrift monitor: {name: report dict}, plus the raw bytes."""
    d = tmp_path_factory.mktemp("reports")
    pdrift("sample-data", "data", cwd=d)
    rng = np.random.default_rng(7)
    column_csv(d / "baseline_returns.csv", "ret", rng.normal(0.001, 0.01, 500), "%.8f")
    column_csv(d / "returns.csv", "ret", rng.normal(-0.002, 0.02, 200), "%.8f")
    column_csv(d / "baseline_errors.csv", "error", (rng.random(300) < 0.1).astype(int), "%d")
    column_csv(d / "errors.csv", "error", (rng.random(100) < 0.4).astype(int), "%d")
    base = ["monitor", "--baseline", "data/baseline.csv", "--json"]
    runs = {
        "calm": base + ["--current", "data/current_calm.csv", "--model", "demo"],
        "volatile": base + ["--current", "data/current_volatile.csv", "--model", "demo"],
        "trading": base + ["--current", "data/current_calm.csv", "--model", "bot-7",
                           "--returns", "returns.csv", "--baseline-returns", "baseline_returns.csv",
                           "--errors", "errors.csv", "--baseline-errors", "baseline_errors.csv"],
    }
    out = {}
    for name, args in runs.items():
        raw = pdrift(*args, cwd=d).stdout.encode("utf-8")
        out[name] = (json.loads(raw), raw)
    return out


SUMMARY = {"total_checks": 12, "drift_events": 5, "drift_rate": 5 / 12, "alerts": 3,
           "retrains": 1, "escalations": 2, "runs_dropped": 0}


# ---- the parser itself: it must refuse what the format refuses --------------------

GOOD = (b'# a comment\n'
        b'# HELP m_total Help with \\\\ and \\n.\n'
        b'# TYPE m_total counter\n'
        b'm_total{a="x\\\\y\\"z\\nw",b="",} 1.5e3 1700000000000\n'
        b'\n'
        b'# TYPE g gauge\n'
        b'g +Inf\n'
        b'g{x="1"}\t-Inf\n'
        b'g{x="2"} NaN\n'
        b'g{x="3"} 0x1p-2\n')


def test_parser_accepts_the_format():
    families = parse_exposition(GOOD)
    assert list(families) == ["m_total", "g"]
    assert families["m_total"].help == "Help with \\ and \n."
    name, labels, value, ts = families["m_total"].samples[0]
    assert labels == {"a": 'x\\y"z\nw', "b": ""} and value == 1500.0 and ts == 1700000000000
    values = [s[2] for s in families["g"].samples]
    assert values[:2] == [math.inf, -math.inf] and math.isnan(values[2]) and values[3] == 0.25


@pytest.mark.parametrize("text", [
    b"g 1",                                              # no newline at the end
    b"# TYPE g gauge\n# TYPE g gauge\ng 1\n",            # second TYPE
    b"# HELP g a\n# HELP g b\ng 1\n",                    # second HELP
    b"g 1\n# TYPE g gauge\n",                            # TYPE after the samples
    b"# TYPE g gauge\ng{a=\"1\"} 1\nh 2\ng{a=\"2\"} 3\n",  # not one group
    b"# TYPE g gauge\ng 1\ng 2\n",                       # duplicate series
    b"g{a=\"1\",a=\"2\"} 1\n",                           # duplicate label
    b"g{a=\"\\t\"} 1\n",                                 # invalid escape
    b"g{a=\"x} 1\n",                                     # unterminated value
    b"g{a=x} 1\n",                                       # unquoted value
    b"g{1a=\"x\"} 1\n",                                  # bad label name
    b"g{__name__=\"x\"} 1\n",                            # reserved label name
    b"1g 1\n",                                           # bad metric name
    b"g-h 1\n",                                          # bad metric name
    b"g 1,5\n",                                          # not a float
    b"g +NaN\n",                                         # ParseFloat refuses a signed NaN
    b"g 1 1.5\n",                                        # bad timestamp
    b"g 1 2 3\n",                                        # text after the sample
    b"# TYPE g gauges\ng 1\n",                           # unknown type
    b"# TYPE c counter\nc 1\n",                          # counter without _total
    b"# TYPE c_total counter\nc_total -1\n",             # negative counter
    b"g{a=\"\xff\"} 1\n",                                # not UTF-8
])
def test_parser_refuses(text):
    with pytest.raises(ExpositionError):
        parse_exposition(text)


# ---- real reports ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["calm", "volatile", "trading"])
def test_real_report_values(reports, tmp_path, name):
    report, raw = reports[name]
    data = write_metrics(tmp_path, None, SUMMARY, raw=raw)
    families = parse_exposition(data)
    assert list(families) == GAUGES + list(COUNTERS)  # all declared, in a stable order
    for fam in families.values():
        assert fam.help and fam.type == ("counter" if fam.name in COUNTERS else "gauge")
        assert all(ts is None for *_, ts in fam.samples)  # node_exporter refuses timestamps
    assert series_of(families) == expected_series(report, SUMMARY)
    assert b"NaN" not in data


def test_real_reports_cover_every_metric(reports, tmp_path):
    """Between them the real reports give each family at least one sample."""
    seen = set()
    for report, raw in reports.values():
        data = write_metrics(tmp_path, None, SUMMARY, raw=raw)
        seen |= {name for name, _ in series_of(parse_exposition(data))}
    assert seen == set(GAUGES) | set(COUNTERS)
    trading = reports["trading"][0]
    assert trading["concept_drift"]["status"] == "drift" and trading["model_drift"]["status"] == "drift"
    assert reports["volatile"][0]["data_drift"]["n_drifted"] > 0


def test_not_monitored_is_no_sample(reports, tmp_path):
    """ADDM not monitored: pdrift_addm_level declared, no sample (documented)."""
    report, raw = reports["calm"]
    assert report["concept_drift"]["status"] == "not_monitored"
    families = parse_exposition(write_metrics(tmp_path, None, None, raw=raw))
    for name in ("pdrift_addm_level", "pdrift_addm_severity_weight", "pdrift_sharpe_ratio"):
        assert families[name].type == "gauge" and families[name].samples == []


def test_summary_absent_or_partial(reports, tmp_path):
    report, raw = reports["volatile"]
    families = parse_exposition(write_metrics(tmp_path, None, None, raw=raw))
    assert not set(COUNTERS) & set(families)
    partial = {"total_checks": 4, "alerts": None}
    families = parse_exposition(write_metrics(tmp_path, None, partial, raw=raw))
    assert set(COUNTERS) <= set(families)
    counters = {k: v for k, v in series_of(families).items() if k[0] in COUNTERS}
    assert counters == {("pdrift_runs_total", (("model", "demo"),)): 4.0}


# ---- values, labels, escaping ------------------------------------------------------

def test_nulls_are_left_out(reports, tmp_path):
    report = json.loads(reports["trading"][1])
    feats = report["data_drift"]["features"]
    feats[0]["psi"] = None
    feats[1]["ks_statistic"] = None
    feats[2]["ks_pvalue_adjusted"] = None
    feats[3]["severity"] = None
    report["data_drift"]["psi_max"] = None
    report["model_drift"]["current"]["sharpe"] = None
    report["concept_drift"]["mean_z"] = None
    report["drift_detected"] = None
    report["generated_at"] = None
    report["model"] = None
    data = write_metrics(tmp_path, report, SUMMARY)
    families = parse_exposition(data)
    assert list(families) == GAUGES + list(COUNTERS)
    got = series_of(families)
    assert got == expected_series(report, SUMMARY)
    assert all(dict(labels)["model"] == "default" for _, labels in got)
    for name in ("pdrift_psi_max", "pdrift_drift_detected", "pdrift_addm_mean_z",
                 "pdrift_last_run_timestamp_seconds"):
        assert families[name].samples == []
    assert [s[1]["period"] for s in families["pdrift_sharpe_ratio"].samples] == ["baseline"]
    assert feats[0]["name"] not in [s[1]["feature"] for s in families["pdrift_feature_psi"].samples]
    assert b"NaN" not in data


WEIRD_NAMES = ['a"quote', 'back\\slash', 'new\nline', 'comma,{x="y"} = 1', 'ünï €', 'trail\\',
               '\\n', '\\"', 'tab\there', '# HELP x', "emoji \U0001F4C8"]


def test_weird_feature_names_from_a_real_csv(tmp_path):
    """Any header the CSV reader accepts comes back exactly as the label value."""
    rng = np.random.default_rng(3)

    def quoted(name):
        return '"' + name.replace('"', '""') + '"'

    for path, n, shift in (("base.csv", 400, 0.0), ("cur.csv", 200, 1.5)):
        rows = rng.standard_normal((n, len(WEIRD_NAMES))) + shift * (np.arange(len(WEIRD_NAMES)) % 2)
        (tmp_path / path).write_text(",".join(map(quoted, WEIRD_NAMES)) + "\n"
                                     + "".join(",".join("%.6f" % v for v in row) + "\n" for row in rows),
                                     encoding="utf-8")
    raw = pdrift("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--model",
                 'm"o\\d\nel', "--json", cwd=tmp_path).stdout.encode("utf-8")
    report = json.loads(raw)
    assert sorted(f["name"] for f in report["data_drift"]["features"]) == sorted(WEIRD_NAMES)
    data = write_metrics(tmp_path, None, SUMMARY, raw=raw)
    families = parse_exposition(data)
    assert series_of(families) == expected_series(report, SUMMARY)
    assert sorted(s[1]["feature"] for s in families["pdrift_feature_psi"].samples) == sorted(WEIRD_NAMES)
    assert b'model="m\\"o\\\\d\\nel"' in data
    assert b'feature="new\\nline"' in data and b'feature="a\\"quote"' in data
    assert b'feature="trail\\\\"} ' in data
    if PROMTOOL:
        check_with_promtool(data)


def test_bytes_that_are_not_utf8_become_replacement_characters(reports, tmp_path):
    raw = reports["calm"][1].replace(b'"model":\t"demo"', b'"model":\t"b\xffad\xc0\xaf\xc3"', 1)
    assert raw != reports["calm"][1]
    families = parse_exposition(write_metrics(tmp_path, None, None, raw=raw))  # strict UTF-8
    assert families["pdrift_severity"].samples[0][1]["model"] == "b\ufffdad\ufffd\ufffd\ufffd"


def test_numbers_round_trip(reports, tmp_path):
    """Exactly the report's double, as the first of %.15g, %.16g, %.17g that
    reads back as the same double (the JSON report's own rule)."""
    report = json.loads(reports["volatile"][1])
    values = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 1e21, 2.0, -0.0, 1e-7,
              123456789.125, 0.15, 2.220446049250313e-16, 8.273264676848939]
    template = report["data_drift"]["features"][0]
    report["data_drift"]["features"] = [dict(template, name=f"f{i}", psi=v) for i, v in enumerate(values)]
    data = write_metrics(tmp_path, report)
    samples = parse_exposition(data)["pdrift_feature_psi"].samples
    assert [s[2] for s in samples] == values
    assert math.copysign(1, samples[6][2]) == -1.0
    tokens = re.findall(rb'pdrift_feature_psi\{model="demo",feature="f\d+"\} (\S+)\n', data)
    want = [next(t for t in ("%.15g" % v, "%.16g" % v, "%.17g" % v) if float(t) == v) for v in values]
    assert [t.decode() for t in tokens] == want
    assert want[0] == "0.1" and want[5] == "2" and want[9] == "0.15"


def test_infinities_are_spelled_for_prometheus(reports, tmp_path):
    """JSON has no infinity, but cJSON reads 1e999 as one: +Inf, -Inf."""
    raw = reports["volatile"][1]
    head, tail = raw.split(b'"features":', 1)
    tail = re.sub(rb'"psi":\t[^,]+,', b'"psi":\t1e999,', tail, count=1)
    tail = re.sub(rb'"ks_statistic":\t[^,]+,', b'"ks_statistic":\t-1e999,', tail, count=1)
    raw = head + b'"features":' + tail
    report = json.loads(raw)
    f0 = report["data_drift"]["features"][0]
    assert f0["psi"] == math.inf and f0["ks_statistic"] == -math.inf
    data = write_metrics(tmp_path, None, None, raw=raw)
    name = f0["name"].encode()
    assert b'pdrift_feature_psi{model="demo",feature="' + name + b'"} +Inf\n' in data
    assert b'pdrift_feature_ks_statistic{model="demo",feature="' + name + b'"} -Inf\n' in data
    assert series_of(parse_exposition(data)) == expected_series(report)


@pytest.mark.parametrize("stamp", [
    "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1900-03-01T00:00:00Z", "2000-02-29T12:34:56Z",
    "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z", "2026-11-28T13:18:18Z", "2038-01-19T03:14:08Z",
    "2100-03-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "2026-11-28 13:18:18", "2026-11-28T13:18:18+01:00", "2026-11-28T13:18:18-05:30", "2026-13-01T00:00:00Z", "yesterday", "",
])
def test_timestamp_is_unix_seconds(reports, tmp_path, stamp):
    report = json.loads(reports["calm"][1])
    report["generated_at"] = stamp
    samples = parse_exposition(write_metrics(tmp_path, report))["pdrift_last_run_timestamp_seconds"].samples
    want = unix_seconds(stamp)
    if want is None:
        assert samples == []
    else:
        assert [s[2] for s in samples] == [want]


def test_real_timestamp_matches_generated_at(reports, tmp_path):
    report, raw = reports["volatile"]
    samples = parse_exposition(write_metrics(tmp_path, None, None, raw=raw))[
        "pdrift_last_run_timestamp_seconds"].samples
    assert samples[0][2] == datetime.fromisoformat(report["generated_at"].replace("Z", "+00:00")).timestamp()


# ---- atomic replacement ------------------------------------------------------------

def test_replaces_the_file_as_a_whole(reports, tmp_path):
    """rename(2) over the old file: a reader holding it keeps the old text, the
    path gets the new one, and no temporary file is left."""
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "pdrift.prom"
    out.write_text("# old\n")
    (tmp_path / "report.json").write_bytes(reports["calm"][1])
    with open(out) as reader:
        r = driver(tmp_path / "report.json", None, out)
        assert r.returncode == 0, r.stderr
        assert reader.read() == "# old\n"
    parse_exposition(out.read_bytes())
    assert os.listdir(tmp_path / "out") == ["pdrift.prom"]


def test_missing_directory(reports, tmp_path):
    (tmp_path / "report.json").write_bytes(reports["calm"][1])
    out = tmp_path / "missing" / "pdrift.prom"
    r = driver(tmp_path / "report.json", None, out)
    assert r.returncode == 1
    assert r.stderr == f"cannot write {out}: No such file or directory\n"
    assert not (tmp_path / "missing").exists()


def test_parent_is_a_regular_file(reports, tmp_path):
    (tmp_path / "report.json").write_bytes(reports["calm"][1])
    (tmp_path / "file").write_text("keep\n")
    out = tmp_path / "file" / "pdrift.prom"
    r = driver(tmp_path / "report.json", None, out)
    assert r.returncode == 1
    assert r.stderr == f"cannot write {out}: Not a directory\n"
    assert (tmp_path / "file").read_text() == "keep\n"


def test_failed_write_keeps_the_old_file(reports, tmp_path):
    """A write that fails half-way (file size limit: works as root too) leaves
    the previous metrics whole and no temporary file behind."""
    old = write_metrics(tmp_path, None, SUMMARY, raw=reports["calm"][1])
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "pdrift.prom"
    out.write_bytes(old)
    (tmp_path / "volatile.json").write_bytes(reports["volatile"][1])

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    r = driver(tmp_path / "volatile.json", None, out, preexec_fn=small_files)
    assert r.returncode == 1
    assert r.stderr == f"cannot write {out}: File too large\n"
    assert out.read_bytes() == old
    assert os.listdir(tmp_path / "out") == ["pdrift.prom"]


# ---- promtool (Debian package prometheus) ----------------------------------------

def check_with_promtool(data):
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=data, capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b"", (r.stdout + r.stderr).decode()


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus, "
                    "about 100 MB, deliberately not in scripts/install-deps.sh)")
@pytest.mark.parametrize("name", ["calm", "volatile", "trading"])
def test_promtool_accepts_the_output(reports, tmp_path, name):
    check_with_promtool(write_metrics(tmp_path, None, SUMMARY, raw=reports[name][1]))
    check_with_promtool(write_metrics(tmp_path, None, None, raw=reports[name][1]))


# ---- the Grafana dashboard ---------------------------------------------------------

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                "or", "unless", "offset"}


def panels_of(dashboard):
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])  # collapsed rows


def metric_names(expr):
    """Metric names in a PromQL expression (not functions, keywords, labels)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\$\{[^}]*\}|\$\w+", " ", bare)
    bare = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", bare)
    bare = re.sub(r"(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?", " ", bare)
    names = re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\W|$)(?!\s*\()", bare)
    return {n for n in names if n not in PROMQL_WORDS}


def test_metric_names_finds_metrics_only():
    assert metric_names('increase(pdrift_x_total{model=~"$model"}[$__range]) and on(model) '
                        'sum by (feature) (pdrift_y) > 0.15') == {"pdrift_x_total", "pdrift_y"}


def test_grafana_dashboard(reports, tmp_path):
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    # what write_prometheus emits, with the labels of each metric
    emitted = {}
    for _, raw in reports.values():
        for name, labels in series_of(parse_exposition(write_metrics(tmp_path, None, SUMMARY, raw=raw))):
            emitted.setdefault(name, set()).update(k for k, _ in labels)
    scraped = {"instance", "job"}  # added by Prometheus

    assert 36 <= dashboard["schemaVersion"] <= 41
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    model = variables["model"]
    query = model["query"]["query"] if isinstance(model["query"], dict) else model["query"]
    assert model["type"] == "query" and query == "label_values(pdrift_runs_total, model)"
    assert model["datasource"]["uid"] == "${DS_PROMETHEUS}"

    exprs = []
    panels = list(panels_of(dashboard))
    for panel in panels:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            expr = target["expr"]
            exprs.append(expr)
            names = metric_names(expr)
            assert names and names <= set(emitted), (panel["title"], expr, names - set(emitted))
            assert "$model" in expr, (panel["title"], expr)
            for metric, selector in re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}", expr):
                for label in re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", selector):
                    assert label in emitted[metric] | scraped, (expr, label)
    for annotation in dashboard["annotations"]["list"]:
        if "expr" in annotation:  # the drift events marked on the time series
            assert annotation["datasource"]["uid"] == "${DS_PROMETHEUS}"
            assert metric_names(annotation["expr"]) <= set(emitted)
    kinds = [p["type"] for p in panels]
    for kind, count in (("timeseries", 1), ("gauge", 2), ("stat", 2), ("table", 1)):
        assert kinds.count(kind) >= count, (kind, kinds)

    def panel_with(kind, text):
        found = [p for p in panels if p["type"] == kind and any(text in t["expr"] for t in p["targets"])]
        assert found, (kind, text)
        return found[0]

    psi = panel_with("timeseries", "pdrift_feature_psi")
    assert "{{feature}}" in psi["targets"][0]["legendFormat"]
    assert psi["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] != "off"
    assert any(s["value"] == 0.15 for s in psi["fieldConfig"]["defaults"]["thresholds"]["steps"])
    assert 'period="current"' in panel_with("gauge", "pdrift_sharpe_ratio")["targets"][0]["expr"]
    assert 'period="current"' in panel_with("gauge", "pdrift_max_drawdown")["targets"][0]["expr"]
    events = panel_with("stat", "pdrift_drift_events_total")
    assert any(t["expr"].startswith("increase(") for t in events["targets"])
    table = panel_with("table", "pdrift_feature_drift")
    assert all(t.get("instant") and t.get("format") == "table" for t in table["targets"])
    assert any("pdrift_feature_psi" in t["expr"] for t in table["targets"])
    assert any("pdrift_feature_ks" in t["expr"] for t in table["targets"])
    panel_with("stat", "pdrift_severity")
    panel_with("stat", "pdrift_action")
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package prometheus)")
def test_dashboard_queries_are_valid_promql(tmp_path):
    """Each query, with Grafana's variables filled in, parses as a rule expression."""
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    exprs = [t["expr"] for p in panels_of(dashboard) for t in p.get("targets", [])]
    exprs += [a["expr"] for a in dashboard["annotations"]["list"] if "expr" in a]
    filled = [e.replace("$__range", "7d").replace("$model", ".*") for e in exprs]
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query{i}", "expr": e} for i, e in enumerate(filled)]}]}
    path = tmp_path / "rules.yml"
    path.write_text(json.dumps(rules))  # JSON is YAML
    r = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"SUCCESS: {len(exprs)} rules found" in r.stdout
