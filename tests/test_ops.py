"""Production monitoring end to end (docs/operations.md): the history across runs, the event log
and its rotation, escalation, hooks and their cooldown, the lock, and files that survive failures.

Run by `make check` (pytest from Debian's python3-pytest) against $PDRIFT (default build/pdrift),
each test in its own empty folder, with real processes and real files.
"""
import fcntl
import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import time
import zlib

import numpy as np
import pytest

PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))


def run(*args, cwd, timeout=120, **kw):
    return subprocess.run([PDRIFT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, **kw)


def feature_table(path, n, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        f.write("Date,alpha,beta,gamma\n")
        for i in range(n):
            a, b, g = rng.standard_normal(3)
            rng.random()  # the same stream as test_cli.py's tables
            f.write(f"2024-01-{1 + i % 28:02d},{float(a + shift)!r},{float(b)!r},{float(g)!r}\n")


@pytest.fixture()
def market(tmp_path):
    r = run("sample-data", "data", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path


CALM = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv", "--model", "demo"]
VOLATILE = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
            "--model", "demo"]


def history(folder, report_dir="reports"):
    return json.loads((folder / report_dir / "drift_report.json").read_text())


def log_lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def png_size(path):
    """Width and height of a PNG, after checking its signature and every chunk's CRC."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    assert len(zlib.decompress(idat)) > 0
    return struct.unpack(">II", data[16:24])


def parse_prom(text):
    """Samples of a Prometheus text file: {(name, frozenset(labels)): value}; checks HELP/TYPE."""
    samples, typed = {}, set()
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
        elif line.startswith("#") or not line:
            continue
        else:
            head, value = line.rsplit(" ", 1)
            name, _, labels = head.partition("{")
            assert name in typed or name.rsplit("_", 1)[0] in typed, name
            pairs = frozenset(p.split("=", 1)[0] for p in labels.rstrip("}").split(",") if p)
            samples[(name, pairs)] = float(value)
    return samples


# ---- what the issue shows: three runs in an empty folder, default paths ----------------------

def test_three_runs_no_drift_drift_drift(market):
    hooks = ["--alert-cmd", "cat > alert_received.json; env | grep ^PDRIFT_ | sort > alert_env.txt",
             "--auto-retrain", "--retrain-cmd", "touch retrain.marker",
             "--prometheus", "reports/pdrift.prom", "--plot", "reports/drift_history.png"]
    r1 = run(*CALM, *hooks, cwd=market)
    assert r1.returncode == 0, r1.stderr
    assert not (market / "logs" / "drift_events.jsonl").exists()
    assert not (market / "alert_received.json").exists() and not (market / "retrain.marker").exists()
    r2 = run(*VOLATILE, *hooks, cwd=market)
    assert r2.returncode == 2, r2.stderr
    latest2 = json.loads((market / "reports" / "drift_monitoring_latest.json").read_text())
    r3 = run(*VOLATILE, *hooks, cwd=market)
    assert r3.returncode == 2, r3.stderr

    h = history(market)
    s = h["summary"]
    assert s["total_checks"] == 3 and s["drift_events"] == 2
    assert s["drift_rate"] == pytest.approx(2 / 3)
    assert s["by_severity"] == {"none": 1, "low": 0, "medium": 0, "high": 2}
    assert s["by_type"]["data"] == 2 and s["by_action"]["continue"] == 1 and s["by_action"]["retrain"] == 2
    assert [run_["severity"] for run_ in h["runs"]] == ["none", "high", "high"]
    assert s["first_check"] == h["runs"][0]["timestamp"] and s["last_check"] == h["runs"][2]["timestamp"]
    assert s["last_drift"] == h["runs"][2]["timestamp"]
    volatility = {f["name"]: f for f in h["runs"][1]["features"]}["volatility"]
    assert volatility["drift"] is True and volatility["psi"] > 1

    events = log_lines(market / "logs" / "drift_events.jsonl")
    assert len(events) == 2
    assert all(e["model"] == "demo" and e["severity"] == "high" for e in events)
    assert events[0]["alert"]["status"] == "sent" and events[0]["alert"]["exit_status"] == 0
    assert events[1]["alert"]["status"] == "cooldown"  # the same alert, 6 h cron: not again
    assert events[0]["retrain"]["status"] == "started" and events[1]["retrain"]["status"] == "cooldown"
    assert s["alerts"] == 1 and s["retrains"] == 1

    # the alert received the report of its run on stdin, and the verdict in its environment
    received = json.loads((market / "alert_received.json").read_text())
    assert received == latest2
    env = dict(line.split("=", 1) for line in (market / "alert_env.txt").read_text().splitlines())
    assert env["PDRIFT_SEVERITY"] == "high" and env["PDRIFT_TYPE"] == "data"
    assert env["PDRIFT_ACTION"] == "retrain" and env["PDRIFT_MODEL"] == "demo"
    assert env["PDRIFT_REPORT"] == "reports/drift_monitoring_latest.json" and env["PDRIFT_HOOK"] == "alert"
    assert (market / "retrain.marker").exists()
    marker = json.loads((market / "reports" / "retrain_requested.json").read_text())
    assert marker["action"] == "retrain" and marker["model"] == "demo"

    prom = parse_prom((market / "reports" / "pdrift.prom").read_text())
    assert prom[("pdrift_runs_total", frozenset({"model"}))] == 3
    assert prom[("pdrift_drift_events_total", frozenset({"model"}))] == 2
    width, height = png_size(market / "reports" / "drift_history.png")
    assert width >= 400 and height >= 300
    leftovers = [p.name for p in (market / "reports").iterdir() if ".tmp." in p.name]
    assert leftovers == []

    r = run("summary", cwd=market)
    assert r.returncode == 0, r.stderr
    assert "Checks       3" in r.stdout and "Drift events 2 (drift rate 66.7%" in r.stdout
    assert "1 alerts, 1 retrains" in r.stdout
    r = run("summary", "--json", cwd=market)
    assert json.loads(r.stdout) == s


# ---- history --------------------------------------------------------------------------------

def test_history_is_bounded_and_keeps_totals(market):
    for i in range(5):
        r = run(*(VOLATILE if i % 2 else CALM), "--history-max", "2", "--log", "", cwd=market)
        assert r.returncode in (0, 2), r.stderr
    h = history(market)
    assert len(h["runs"]) == 2 and h["history_limit"] == 2
    s = h["summary"]
    assert s["total_checks"] == 5 and s["drift_events"] == 2 and s["runs_dropped"] == 3
    assert s["by_severity"]["none"] == 3 and s["by_severity"]["high"] == 2
    assert [r_["severity"] for r_ in h["runs"]] == ["high", "none"]


def test_malformed_history_exit_3_and_nothing_lost(market):
    assert run(*CALM, cwd=market).returncode == 0
    latest = (market / "reports" / "drift_monitoring_latest.json").read_bytes()
    bad = '{"schema_version": 1,\n  "runs": [\n    {"timestamp": "x",, }\n'
    (market / "reports" / "drift_report.json").write_text(bad)
    r = run(*VOLATILE, cwd=market)
    assert r.returncode == 3
    assert "reports/drift_report.json: line 3 column" in r.stderr and "move the file away" in r.stderr
    assert (market / "reports" / "drift_report.json").read_text() == bad
    assert (market / "reports" / "drift_monitoring_latest.json").read_bytes() == latest
    assert not (market / "logs").exists()
    r = run("summary", cwd=market)
    assert r.returncode == 3 and "line 3 column" in r.stderr
    (market / "reports" / "drift_report.json").write_text('{"schema_version": 2, "runs": []}')
    r = run(*CALM, cwd=market)
    assert r.returncode == 3 and "not a pdrift history" in r.stderr


def test_summary_without_history_exit_3(tmp_path):
    r = run("summary", cwd=tmp_path)
    assert r.returncode == 3 and "no history" in r.stderr and "reports/drift_report.json" in r.stderr
    r = run("summary", "--bogus", cwd=tmp_path)
    assert r.returncode == 3


# ---- event log --------------------------------------------------------------------------------

def test_log_rotation_keeps_n_files(market):
    for _ in range(8):
        r = run(*VOLATILE, "--log-max-bytes", "800", "--log-keep", "2", cwd=market)
        assert r.returncode == 2, r.stderr
    logs = sorted(p.name for p in (market / "logs").iterdir())
    assert logs == ["drift_events.jsonl", "drift_events.jsonl.1", "drift_events.jsonl.2"]
    total = 0
    for name in logs:
        path = market / "logs" / name
        assert path.stat().st_size <= 800
        lines = log_lines(path)
        assert lines and all(e["severity"] == "high" for e in lines)
        total += len(lines)
    assert total < 8  # the oldest were rotated away
    newest = log_lines(market / "logs" / "drift_events.jsonl")[-1]["timestamp"]
    assert newest == history(market)["runs"][-1]["timestamp"]
    assert history(market)["summary"]["drift_events"] == 8


def test_concurrent_writers_never_interleave(market):
    """Eight runs at once, each with its own report directory, one shared log."""
    procs = [subprocess.Popen([PDRIFT, *VOLATILE, "--report-dir", f"r{i}", "--quiet"], cwd=market)
             for i in range(8)]
    assert [p.wait(timeout=120) for p in procs] == [2] * 8
    lines = log_lines(market / "logs" / "drift_events.jsonl")
    assert len(lines) == 8
    assert sorted(e["report"] for e in lines) == sorted(f"r{i}/drift_monitoring_latest.json" for i in range(8))


# ---- escalation -------------------------------------------------------------------------------

def test_medium_data_drift_three_of_five_escalates(tmp_path):
    feature_table(tmp_path / "base.csv", 2000, seed=1)
    feature_table(tmp_path / "cur.csv", 300, shift=0.3, seed=3)  # medium data drift: watch
    args = ["monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json"]
    seen = []
    for _ in range(3):
        r = run(*args, cwd=tmp_path)
        assert r.returncode == 1, r.stderr  # the exit code follows the severity, unchanged
        report = json.loads(r.stdout)
        assert report["severity"] == "medium" and report["data_drift"]["severity"] == "medium"
        seen.append((report["action"], report["escalation"]["escalated"], report["escalation"]["matching_runs"]))
    assert seen == [("watch", False, 1), ("watch", False, 2), ("retrain", True, 3)]
    assert report["escalation"]["action_before"] == "watch"
    assert report["recommendations"][0].startswith("Persistent data drift (medium or worse in 3 of the last 5")
    h = history(tmp_path)
    assert [r_["escalated"] for r_ in h["runs"]] == [False, False, True]
    assert h["runs"][2]["action"] == "retrain" and h["summary"]["escalations"] == 1
    assert log_lines(tmp_path / "logs" / "drift_events.jsonl")[2]["escalated"] is True
    r = run(*args[:-1], cwd=tmp_path)
    assert "Escalated: data drift of medium severity or worse in 3 of the last 5 runs" in r.stdout
    # the human summary and the report agree with the file
    assert json.loads((tmp_path / "reports" / "drift_monitoring_latest.json").read_text())["action"] == "retrain"


# ---- hooks --------------------------------------------------------------------------------------

def test_alert_threshold_and_cooldown(market):
    alert = ["--alert-cmd", "cat >> alerts.jsonl; echo >> alerts.jsonl"]
    r = run(*CALM, *alert, cwd=market)
    assert r.returncode == 0 and not (market / "alerts.jsonl").exists()
    assert history(market)["runs"][-1]["alert"]["status"] == "below_threshold"
    r = run(*VOLATILE, *alert, "--alert-min-severity", "high", cwd=market)
    assert history(market)["runs"][-1]["alert"]["status"] == "sent"
    r = run(*VOLATILE, *alert, cwd=market)
    last = history(market)["runs"][-1]["alert"]
    assert last["status"] == "cooldown" and 86000 < last["cooldown_remaining"] <= 86400
    r = run(*VOLATILE, *alert, "--alert-cooldown", "0", cwd=market)
    assert history(market)["runs"][-1]["alert"]["status"] == "sent"
    # the last alert two days ago: the cooldown is over
    h = history(market)
    h["summary"]["last_alert"]["timestamp"] = "2000-01-01T00:00:00Z"
    (market / "reports" / "drift_report.json").write_text(json.dumps(h))
    r = run(*VOLATILE, *alert, cwd=market)
    assert history(market)["runs"][-1]["alert"]["status"] == "sent"
    assert history(market)["summary"]["alerts"] == 3
    assert (market / "alerts.jsonl").read_text().count('"schema_version"') == 3


def test_worse_severity_is_news_during_cooldown(tmp_path):
    feature_table(tmp_path / "base.csv", 2000, seed=1)
    feature_table(tmp_path / "medium.csv", 300, shift=0.3, seed=3)
    feature_table(tmp_path / "high.csv", 300, shift=0.7, seed=3)
    alert = ["--alert-cmd", "true", "--log", ""]
    for current, expected in (("medium.csv", "sent"), ("medium.csv", "cooldown"), ("high.csv", "sent")):
        run("monitor", "--baseline", "base.csv", "--current", current, *alert, cwd=tmp_path)
        assert history(tmp_path)["runs"][-1]["alert"]["status"] == expected, current


def test_hook_failure_and_timeout_are_logged(market):
    r = run(*VOLATILE, "--alert-cmd", "exit 7", cwd=market)
    assert r.returncode == 2  # the verdict's code: a failed alert does not hide the drift
    assert "alert command exit status 7" in r.stderr
    alert = history(market)["runs"][-1]["alert"]
    assert alert["status"] == "failed" and alert["exit_status"] == 7
    assert log_lines(market / "logs" / "drift_events.jsonl")[-1]["alert"]["exit_status"] == 7

    start = time.monotonic()
    r = run(*VOLATILE, "--alert-cmd", "sleep 30; touch late", "--alert-cooldown", "0",
            "--hook-timeout", "0.5", cwd=market)
    assert time.monotonic() - start < 10
    assert r.returncode == 2 and "killed after" in r.stderr
    alert = history(market)["runs"][-1]["alert"]
    assert alert["status"] == "timeout" and alert["exit_status"] is None
    time.sleep(0.5)
    assert not (market / "late").exists()


def test_data_never_reaches_a_command_line(tmp_path):
    """Hostile names in files and on the command line stay data."""
    name = "x$(touch pwned_model);`touch pwned2`"
    with open(tmp_path / "base.csv", "w") as f:
        f.write('"a$(touch pwned_feature)",b\n')
        for i in range(500):
            f.write(f"{i % 17},{i % 5}\n")
    with open(tmp_path / "cur.csv", "w") as f:
        f.write('"a$(touch pwned_feature)",b\n')
        for i in range(200):
            f.write(f"{i % 17 + 20},{i % 5}\n")
    r = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--model", name,
            "--alert-cmd", 'printf "%s" "$PDRIFT_MODEL" > model.txt; cat > report.json', "--auto-retrain",
            cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert not any(p.name.startswith("pwned") for p in tmp_path.iterdir())
    assert (tmp_path / "model.txt").read_text() == name
    assert json.loads((tmp_path / "report.json").read_text())["data_drift"]["features"][0]["name"].startswith("a$(")
    assert history(tmp_path)["runs"][-1]["retrain"]["status"] == "requested"  # marker only, no command
    assert json.loads((tmp_path / "reports" / "retrain_requested.json").read_text())["model"] == name


def test_hook_usage_errors(market):
    r = run(*VOLATILE, "--retrain-cmd", "true", cwd=market)
    assert r.returncode == 3 and "--auto-retrain" in r.stderr
    r = run(*VOLATILE, "--alert-min-severity", "none", cwd=market)
    assert r.returncode == 3
    r = run(*VOLATILE, "--hook-timeout", "soon", cwd=market)
    assert r.returncode == 3 and "--hook-timeout" in r.stderr
    assert not (market / "reports").exists()


# ---- the lock ---------------------------------------------------------------------------------

def test_lock_contention(market):
    (market / "reports").mkdir()
    holder = open(market / "reports" / ".pdrift.lock", "w")
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        r = run(*CALM, "--lock-timeout", "0.3", cwd=market)
        assert r.returncode == 3
        assert "another pdrift run holds reports/.pdrift.lock (waited 0.3 s" in r.stderr
        assert not (market / "reports" / "drift_report.json").exists()
        # a waiting run proceeds once the lock is released
        waiting = subprocess.Popen([PDRIFT, *CALM, "--lock-timeout", "30", "--quiet"], cwd=market)
        time.sleep(1.0)
        assert waiting.poll() is None
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        holder.close()
    assert waiting.wait(timeout=60) == 0
    assert history(market)["summary"]["total_checks"] == 1


def test_overlapping_runs_share_one_history(market):
    procs = [subprocess.Popen([PDRIFT, *(VOLATILE if i % 2 else CALM), "--quiet"], cwd=market)
             for i in range(6)]
    assert sorted(p.wait(timeout=120) for p in procs) == [0, 0, 0, 2, 2, 2]
    s = history(market)["summary"]
    assert s["total_checks"] == 6 and s["drift_events"] == 3  # no run lost its update
    assert len(log_lines(market / "logs" / "drift_events.jsonl")) == 3


# ---- failures leave previous files intact ---------------------------------------------------

def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file() and p.name != ".pdrift.lock"}


def test_read_only_report_dir(market):
    assert run(*VOLATILE, cwd=market).returncode == 2
    before = snapshot(market / "reports")
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot drop to a user who cannot write")
        os.chmod(market, 0o755)
        for p in [market, *market.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        cmd = ["runuser", "-u", "nobody", "--", PDRIFT, *VOLATILE]
    else:
        os.chmod(market / "reports", 0o555)
        cmd = [PDRIFT, *VOLATILE]
    os.chmod(market.parent, 0o755)
    r = subprocess.run(cmd, cwd=market, capture_output=True, text=True, timeout=120)
    os.chmod(market / "reports", 0o755)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "reports" in r.stderr and ("Permission denied" in r.stderr or "Read-only" in r.stderr)
    assert snapshot(market / "reports") == before


def test_disk_full_exit_3_and_previous_files_intact(market):
    assert run(*VOLATILE, "--prometheus", "reports/pdrift.prom", cwd=market).returncode == 2
    before = snapshot(market / "reports")
    log_before = (market / "logs" / "drift_events.jsonl").read_bytes()

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    r = run(*VOLATILE, "--prometheus", "reports/pdrift.prom", cwd=market, preexec_fn=small_disk)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "cannot write reports/" in r.stderr
    assert snapshot(market / "reports") == before
    assert (market / "logs" / "drift_events.jsonl").read_bytes() == log_before


# ---- the documented alert scripts, run by pdrift for real -------------------------------------

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "alerts")


def test_slack_webhook_example(market):
    """examples/alerts/slack.sh posts to a webhook: here a local HTTP server stands in for Slack."""
    import http.server
    import threading

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = dict(os.environ, SLACK_WEBHOOK_URL=f"http://127.0.0.1:{server.server_port}/services/T0/B0/X")
        r = run(*VOLATILE, "--alert-cmd", os.path.join(EXAMPLES, "slack.sh"), cwd=market, env=env)
    finally:
        server.shutdown()
    assert r.returncode == 2, r.stderr
    assert history(market)["runs"][-1]["alert"]["status"] == "sent"
    (path, kind, body), = received
    assert path == "/services/T0/B0/X" and kind == "application/json"
    message = json.loads(body)
    assert message["text"] == "Drift on model demo: HIGH data drift, action RETRAIN"
    assert "• Data drift (PSI=8.27)" in message["blocks"][1]["text"]["text"]


def test_email_example(market):
    """examples/alerts/email.sh hands a complete message to sendmail -t (here a capturing stand-in)."""
    (market / "sendmail").write_text('#!/bin/sh\n[ "$1" = "-t" ] || exit 64\ncat > "$MAIL_OUT"\n')
    os.chmod(market / "sendmail", 0o755)
    env = dict(os.environ, PDRIFT_MAIL_TO="desk@example.com", SENDMAIL=str(market / "sendmail"),
               MAIL_OUT=str(market / "mail.txt"))
    r = run(*VOLATILE, "--model", "evil\nBcc: x@example.com", "--alert-cmd", os.path.join(EXAMPLES, "email.sh"),
            cwd=market, env=env)
    assert r.returncode == 2, r.stderr
    headers, _, body = (market / "mail.txt").read_text().partition("\n\n")
    assert headers.splitlines() == ["To: desk@example.com",
                                    "Subject: [pdrift] high data drift on evilBcc: x@example.com: retrain",
                                    "Content-Type: text/plain; charset=utf-8"]
    report = json.loads(body[body.index("{"):])
    assert report["severity"] == "high"


# ---- the scheduling examples use only flags pdrift has ----------------------------------------

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def pdrift_flags(line):
    words = line.split()
    return [w for w in words[words.index("monitor") + 1:] if w.startswith("--")]


def test_cron_and_systemd_examples(tmp_path):
    usage = run("monitor", "--help", cwd=tmp_path).stdout
    known = {w.rstrip(",") for w in usage.split() if w.startswith("--")}
    lines = [l for l in open(os.path.join(ROOT, "examples", "cron", "crontab")).read().splitlines()
             if l and not l.startswith("#")]
    assert len(lines) == 2
    schedules = []
    for line in lines:
        fields = line.split(None, 5)
        schedules.append(" ".join(fields[:5]))
        assert "%" not in line  # cron would turn it into a newline
        assert set(pdrift_flags(fields[5])) <= known, set(pdrift_flags(fields[5])) - known
    assert schedules == ["0 8 * * *", "0 */6 * * *"]  # the operator guide's daily and 6-hourly lines
    service = open(os.path.join(ROOT, "examples", "systemd", "pdrift-monitor.service")).read()
    exec_start = service.split("ExecStart=", 1)[1].split("\n\n")[0]
    exec_line = " ".join(part.rstrip("\\").strip() for part in exec_start.split("\n")
                         if part.strip() and not part.startswith(("EnvironmentFile", "TimeoutStartSec", "#")))
    exec_line = exec_line.split(" EnvironmentFile=")[0]
    assert set(pdrift_flags(exec_line)) <= known
    assert "SuccessExitStatus=1 2" in service
    timer = open(os.path.join(ROOT, "examples", "systemd", "pdrift-monitor.timer")).read()
    assert "OnCalendar=*-*-* 00/6:00:00" in timer and "Persistent=true" in timer
    if shutil.which("systemd-analyze"):
        r = subprocess.run(["systemd-analyze", "calendar", "*-*-* 00/6:00:00"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr

