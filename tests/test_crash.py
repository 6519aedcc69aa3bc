"""Crash safety (issue 9 item 4): `pdrift monitor` and `pdrift baseline -o` are killed with SIGKILL
at random points, many times, and every file they write must then be either the complete old
version or the complete new one, never a mix; the JSONL event log must hold whole lines only.

Each trial starts from the same saved state (reports, history, metrics, chart, log, snapshot),
so the new version of every file is known in advance from an uninterrupted run: the files are
compared with both, timestamps set aside (a run's second changes them). Three kills in four aim
at the writes themselves: the test watches the output folder and kills at once, or a random
few milliseconds, after a temporary file appears (no hook in the program: pdrift writes
NAME.tmp.* and renames it); the others come after a random delay in the run's whole duration.
The history is made long (150 runs) so that its write takes time.

Run by `make check` (mk/crash.mk) against $PDRIFT; PDRIFT_CRASH_SEED changes the random kills.
"""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
import zlib

import numpy as np
import pytest

PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))
SEED = int(os.environ.get("PDRIFT_CRASH_SEED", "20261128"))
MONITOR_TRIALS = 24
BASELINE_TRIALS = 12

MONITOR = ["monitor", "--baseline", "data/baseline.csv", "--current", "data/current_volatile.csv",
           "--model", "m", "--prometheus", "reports/m.prom", "--plot", "reports/history.png", "--quiet"]
REPLACED = ["reports/drift_monitoring_latest.json", "reports/drift_report.json", "reports/m.prom",
            "reports/history.png"]
LOG = "logs/drift_events.jsonl"
BASELINE = ["baseline", "--from", "big.csv", "-o", "snap.pdsnap"]

STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
PROM_STAMP = re.compile(rb"^(pdrift_last_run_timestamp_seconds\{[^}]*\}) \d+$", re.M)


def timeless(data):
    """The file without its run's timestamps (ISO stamps, the .prom's Unix time)."""
    return PROM_STAMP.sub(rb"\1 T", STAMP.sub(b"T", data))


def png_complete(data):
    """A PNG whose every chunk is whole (length, CRC) and whose last chunk is IEND."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    pos = 8
    while pos + 12 <= len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if len(body) != n or pos + 12 + n > len(data):
            return False
        if zlib.crc32(kind + body) != int.from_bytes(data[pos + 8 + n:pos + 12 + n], "big"):
            return False
        pos += 12 + n
        if kind == b"IEND":
            return pos == len(data)
    return False


def save_state(folder, names):
    return {name: (folder / name).read_bytes() if (folder / name).exists() else None for name in names}


def restore(folder, saved):
    for sub in ("reports", "logs"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    for name, data in saved.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            path.write_bytes(data)


def temporaries(folder):
    return [p for p in folder.rglob("*") if ".tmp." in p.name]


def timed_run(folder, args):
    """An uninterrupted run: its duration, and the time from its first temporary file to its
    end (the writing phase)."""
    proc = subprocess.Popen([PDRIFT, *args], cwd=folder, stdout=subprocess.DEVNULL)
    start = time.monotonic()
    first = None
    while proc.poll() is None:
        if first is None and temporaries(folder):
            first = time.monotonic()
    end = time.monotonic()
    assert first is not None, "no temporary file was seen: are the writes still atomic?"
    return proc.returncode, end - start, end - first


# When a trial kills: at a random moment of the run, or from the first temporary file seen at
# once, early in the writing phase, or anywhere in it (its length varies from run to run on a
# busy machine). Trials take them in turn.
AIMS = ("run", "write at once", "write early", "write")


def run_and_kill(folder, args, rng, aim, duration, writing):
    """Start pdrift and kill it at a random moment of the kind `aim`. Returns whether it was
    killed, and whether a temporary file was present at the kill."""
    proc = subprocess.Popen([PDRIFT, *args], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    start = time.monotonic()
    if aim == "run":
        time.sleep(rng.uniform(0, duration))
    else:
        deadline = start + 10 * duration + 5
        while proc.poll() is None and not temporaries(folder) and time.monotonic() < deadline:
            pass
        share = {"write at once": 0.0, "write early": 0.25, "write": 1.0}[aim]
        time.sleep(share * rng.uniform(0, writing))
    mid_write = bool(temporaries(folder))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed, mid_write and killed


@pytest.fixture(scope="module")
def monitor_case(tmp_path_factory):
    """The saved state, the timeless new version of each file, and the run's duration."""
    folder = tmp_path_factory.mktemp("crash-monitor")
    r = subprocess.run([PDRIFT, "sample-data", "data"], cwd=folder, capture_output=True)
    assert r.returncode == 0, r.stderr
    assert subprocess.run([PDRIFT, *MONITOR], cwd=folder).returncode == 2
    # a long history: its write takes time, and a kill can land inside it
    hist = folder / "reports/drift_report.json"
    doc = json.loads(hist.read_bytes())
    doc["runs"] = doc["runs"] * 150
    hist.write_text(json.dumps(doc, indent=1))
    names = REPLACED + [LOG]
    old = save_state(folder, names)
    rc, duration, writing = timed_run(folder, MONITOR)
    assert rc == 2
    new = save_state(folder, names)
    for name in names:
        assert new[name] is not None and new[name] != old[name], name
    return folder, old, new, duration, writing


def check_monitor_files(folder, old, new):
    """Every file old or new, the log whole lines. Returns the names found new."""
    fresh = set()
    for name in REPLACED:
        data = (folder / name).read_bytes()
        if data == old[name]:
            continue
        if name.endswith(".png"):  # the chart's pixels follow the clock: complete is what counts
            assert png_complete(data), f"{name}: a damaged PNG ({len(data)} bytes)"
        else:
            assert timeless(data) == timeless(new[name]), f"{name}: neither the old nor the new version"
        fresh.add(name)
    log = (folder / LOG).read_bytes()
    assert log.endswith(b"\n"), "the event log ends inside a line"
    lines = log.split(b"\n")[:-1]
    for line in lines:
        json.loads(line)
    old_lines = old[LOG].split(b"\n")[:-1]
    new_line = timeless(new[LOG].split(b"\n")[-2])
    assert lines[:len(old_lines)] == old_lines, "the old lines of the event log changed"
    assert len(lines) - len(old_lines) in (0, 1), "more than the run's one event line"
    if len(lines) > len(old_lines):
        assert timeless(lines[-1]) == new_line
        fresh.add(LOG)
    # nothing else appeared beside the outputs but leftover temporary files
    for path in (folder / "reports").iterdir():
        assert path.name in {os.path.basename(n) for n in REPLACED} | {".pdrift.lock"} \
            or ".tmp." in path.name, path
    return fresh


def test_monitor_killed_at_random(monitor_case):
    folder, old, new, duration, writing = monitor_case
    rng = random.Random(SEED)
    names = REPLACED + [LOG]
    killed = mid_write = 0
    new_counts = {name: 0 for name in names}
    for trial in range(MONITOR_TRIALS):
        restore(folder, old)
        k, w = run_and_kill(folder, MONITOR, rng, AIMS[trial % len(AIMS)], duration, writing)
        killed += k
        mid_write += w
        for name in check_monitor_files(folder, old, new):
            new_counts[name] += 1
        # the next run after a kill reads what the kill left and writes whole files
        if trial % 8 == 7:
            assert subprocess.run([PDRIFT, *MONITOR], cwd=folder).returncode == 2
            for name in REPLACED:
                data = (folder / name).read_bytes()
                if name.endswith(".png"):
                    assert png_complete(data), name
                elif name.endswith(".prom"):
                    assert data.endswith(b"\n") and b"pdrift_drift_detected" in data, name
                else:
                    json.loads(data)
            assert all(json.loads(line) for line in (folder / LOG).read_bytes().splitlines())
    print(f"monitor: {MONITOR_TRIALS} runs of {duration:.3f} s ({writing:.3f} s writing), {killed} killed, "
          f"{mid_write} while a temporary file existed; found new: {new_counts}")
    # the kills must have landed on both sides of the writes, and inside them
    assert killed >= MONITOR_TRIALS // 4
    assert mid_write >= 1
    assert any(new_counts.values()) and not all(c == MONITOR_TRIALS for c in new_counts.values())


@pytest.fixture(scope="module")
def baseline_case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-baseline")
    rng = np.random.default_rng(7)
    np.savetxt(folder / "small.csv", rng.standard_normal((500, 4)), fmt="%.6f", delimiter=",",
               header="a,b,c,d", comments="")
    np.savetxt(folder / "big.csv", rng.standard_normal((40000, 4)), fmt="%.6f", delimiter=",",
               header="a,b,c,d", comments="")
    r = subprocess.run([PDRIFT, "baseline", "--from", "small.csv", "-o", "snap.pdsnap"], cwd=folder,
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    old = (folder / "snap.pdsnap").read_bytes()
    rc, duration, writing = timed_run(folder, BASELINE)
    assert rc == 0
    new = (folder / "snap.pdsnap").read_bytes()
    assert new != old and len(new) > 1_000_000
    return folder, old, new, duration, writing


def test_baseline_snapshot_killed_at_random(baseline_case):
    folder, old, new, duration, writing = baseline_case
    rng = random.Random(SEED + 1)
    seen = {"old": 0, "new": 0}
    mid_write = 0
    for trial in range(BASELINE_TRIALS):
        for p in temporaries(folder):
            p.unlink()
        (folder / "snap.pdsnap").write_bytes(old)
        _, w = run_and_kill(folder, BASELINE, rng, AIMS[trial % len(AIMS)], duration, writing)
        mid_write += w
        data = (folder / "snap.pdsnap").read_bytes()
        assert data in (old, new), f"snapshot of {len(data)} bytes: neither the old nor the new one"
        seen["old" if data == old else "new"] += 1
        # a snapshot killed mid-way is never loaded: the old one still is
        if data == old:
            r = subprocess.run([PDRIFT, "monitor", "--baseline", "snap.pdsnap", "--current", "small.csv",
                                "--report-dir", "r", "--log", "", "--quiet"], cwd=folder)
            assert r.returncode in (0, 1, 2)
    print(f"baseline: {BASELINE_TRIALS} runs of {duration:.3f} s ({writing:.3f} s writing), {mid_write} "
          f"killed while a temporary file existed; {seen}")
    assert mid_write >= 1
