#!/usr/bin/python3
"""The performance benchmark of libploutosdrift (issue 8 item 4): `make bench`.

Runs, in one go and side by side on the same data:

  (a) `pdrift monitor` with a CSV baseline against the Python reference
      (bench/perf/reference.py: pandas read_csv, numpy-quantile PSI,
      scipy.stats.ks_2samp per feature), each a whole process, wall time;
  (b) the same with a baseline snapshot (`pdrift baseline --from CSV -o FILE`);
  (c) pdrift_detect alone on in-memory data against the reference's compute
      part (its per-feature loop, timed inside its process);
  (d) pdrift_observe_batch throughput (values/s);
  (e) peak RSS of those processes (ru_maxrss from os.wait4);
  (f) pdrift_detect time as the baseline grows x1, x2, x4, x8, the window fixed;
  and the CSV reading speed on one core (pdrift_observe_load: reading and
  parsing; pdrift_baseline_load: reading and preparing a baseline) against
  pandas.read_csv.

It prints a Markdown table (figure | libploutosdrift | reference | ratio |
target | met?) and writes it, with the machine, the method, every run and the
growth curve, to docs/performance.md. Targets are shown, not enforced: the
exit status is 0 whatever the speed, 1 only if the library's results differ
from the reference's (then the timings would not be of the same computation)
or something failed.

Environment (the Makefile's `bench` target sets the first five):
  PDRIFT, PDRIFT_LIBRARY, GEN_DATA, DETECT_BENCH   the programs (build/...)
  BENCH_DATA        the data cache, default build/bench-data
  BENCH_REPEATS     timed runs of each measurement, default 5 (medians reported)
  BENCH_GROWTH_E2E  1: also time `pdrift monitor` end to end with CSV
                    baselines x1..x8 (writes ~2.4 GB of CSV to the cache once,
                    adds a few minutes); default 0
  BENCH_OUTPUT      the report, default docs/performance.md
  CC, CFLAGS        recorded in the report (the compiler's version)
"""
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "perf")


def env_path(name, default):
    return os.path.abspath(os.path.join(ROOT, os.environ.get(name, default)))


PDRIFT = env_path("PDRIFT", "build/pdrift")
GEN_DATA = env_path("GEN_DATA", "build/bench/gen_data")
DETECT_BENCH = env_path("DETECT_BENCH", "build/bench/detect_bench")
DATA = env_path("BENCH_DATA", "build/bench-data")
OUTPUT = env_path("BENCH_OUTPUT", "docs/performance.md")
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
GROWTH_E2E = os.environ.get("BENCH_GROWTH_E2E", "0") not in ("", "0")
PYTHON = sys.executable  # the Makefile's $(PYTHON), /usr/bin/python3
REFERENCE = os.path.join(HERE, "reference.py")

BASE_ROWS, CUR_ROWS, FEATURES = 200_000, 20_000, 50
SCALES = (1, 2, 4, 8)
WINDOWS = (5_000, 10_000, 20_000, 40_000)

# Targets of issue 8.
T_E2E_CSV, T_E2E_SNAP, T_DETECT = 15.0, 100.0, 50.0
T_CSV_MBS, T_OBSERVE = 400.0, 200e6
T_GROWTH = 1.5
RAW_BYTES = 8 * (BASE_ROWS + CUR_ROWS) * FEATURES          # the doubles of both files
T_RSS_BYTES = 1.5 * RAW_BYTES + 20e6


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---- data ------------------------------------------------------------------------
def generator_hash():
    h = hashlib.sha256()
    for name in ("gen_data.c", "datagen.h"):
        with open(os.path.join(HERE, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def ensure_data(which, scales):
    """Generate the missing or stale files of one data set; return {scale: path}."""
    os.makedirs(DATA, exist_ok=True)
    rows = BASE_ROWS if which == "baseline" else CUR_ROWS
    digest = generator_hash()
    paths, todo = {}, []
    for k in scales:
        path = os.path.join(DATA, f"{which}.csv" if k == 1 else f"{which}_x{k}.csv")
        paths[k] = path
        stamp = path + ".stamp"
        want = f"{digest} {rows * k}\n"
        try:
            with open(stamp) as f:
                fresh = f.read() == want and os.path.exists(path)
        except OSError:
            fresh = False
        if not fresh:
            todo.append((k, path, stamp, want))
    if not todo:
        return paths, None
    args = [GEN_DATA, which] + [f"{path}:{rows * k}" for k, path, _, _ in todo]
    return paths, (subprocess.Popen(args), todo)


def finish_data(job):
    if job is None:
        return
    proc, todo = job
    if proc.wait() != 0:
        sys.exit(f"bench: {GEN_DATA} failed")
    for _, _, stamp, want in todo:
        with open(stamp, "w") as f:
            f.write(want)


# ---- processes -------------------------------------------------------------------
def run_timed(cmd, stdout_path=None, ok=(0,), cpu=None):
    """Run cmd; return (wall seconds, peak RSS bytes, exit code)."""
    err = tempfile.TemporaryFile()
    out = open(stdout_path, "wb") if stdout_path else open(os.devnull, "wb")
    pre = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    with out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, preexec_fn=pre)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in ok:
        err.seek(0)
        sys.stderr.write(err.read().decode(errors="replace"))
        sys.exit(f"bench: {' '.join(cmd)} exited with {code}")
    return wall, usage.ru_maxrss * 1024, code


def pdrift_monitor(baseline, current, workdir):
    rep = tempfile.mkdtemp(prefix="rep", dir=workdir)  # fresh: no history to grow
    cmd = [PDRIFT, "monitor", "--baseline", baseline, "--current", current, "--model", "bench",
           "--log", "", "--report-dir", rep, "--quiet"]
    wall, rss, code = run_timed(cmd, ok=(0, 1, 2))
    with open(os.path.join(rep, "drift_monitoring_latest.json")) as f:
        report = json.load(f)
    shutil.rmtree(rep)
    return wall, rss, report


def reference(baseline, current, workdir):
    out = os.path.join(workdir, "reference.json")
    wall, rss, _ = run_timed([PYTHON, REFERENCE, baseline, current], stdout_path=out)
    with open(out) as f:
        result = json.load(f)
    return wall, rss, result


def detect_bench(args, cpu=None, workdir=None):
    out = os.path.join(workdir, "detect_bench.jsonl")
    run_timed([DETECT_BENCH] + args, stdout_path=out, cpu=cpu)
    with open(out) as f:
        return [json.loads(line) for line in f if line.strip()]


def compare(report, ref):
    """Largest differences between pdrift's report and the reference's results."""
    d_psi = d_ks = d_p = 0.0
    names = set()
    for feat in report["data_drift"]["features"]:
        r = ref["features"][feat["name"]]
        names.add(feat["name"])
        d_psi = max(d_psi, abs(feat["psi"] - r["psi"]) / max(1.0, abs(r["psi"])))
        d_ks = max(d_ks, abs(feat["ks_statistic"] - r["ks_statistic"]))
        p, q = feat["ks_pvalue_iid"], r["ks_pvalue"]
        if p != q:
            d_p = max(d_p, abs(p - q) / max(abs(q), 1e-300))
    same = names == set(ref["features"]) and d_psi <= 1e-9 and d_ks <= 1e-12 and d_p <= 1e-9
    return same, {"psi": d_psi, "ks_statistic": d_ks, "ks_pvalue": d_p,
                  "features": len(names), "drifted": report["data_drift"]["n_drifted"]}


# ---- machine ---------------------------------------------------------------------
def command_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def os_name():
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "?")
    except (AttributeError, OSError):
        return "?"


def machine():
    lscpu = {}
    for line in command_line(["lscpu"]).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            lscpu[k.strip()] = v.strip()
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cc = os.environ.get("CC", "cc")
    compiler = (command_line(cc.split() + ["--version"]).splitlines() or ["?"])[0]
    import numpy, scipy, pandas  # noqa: E401 (versions only)
    head = command_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip() or "?"
    dirty = [line[3:] for line in command_line(
        ["git", "-C", ROOT, "status", "--porcelain", "--", "lib", "include", "examples/pdrift",
         "Makefile"]).splitlines()]
    return {
        "cpu": lscpu.get("Model name", platform.processor() or "?"),
        "cores": f"{os.cpu_count()} logical CPUs ({lscpu.get('Core(s) per socket', '?')} cores per "
                 f"socket, {lscpu.get('Socket(s)', '?')} socket(s), "
                 f"{lscpu.get('Thread(s) per core', '?')} thread(s) per core)",
        "memory": mem,
        "kernel": f"{platform.system()} {platform.release()}",
        "os": os_name(),
        "compiler": f"{compiler} (CFLAGS {os.environ.get('CFLAGS', '-O2 -g')})",
        "python": f"Python {platform.python_version()}, numpy {numpy.__version__}, "
                  f"scipy {scipy.__version__}, pandas {pandas.__version__}",
        "pdrift": command_line([PDRIFT, "--version"]).strip(),
        "source": f"git {head}" + (f" with uncommitted changes to {', '.join(dirty)}" if dirty
                                   else ""),
    }


# ---- formatting ------------------------------------------------------------------
def secs(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def mb(b):
    return f"{b / 1e6:.0f} MB"


def times(ref, lib, more="faster", less="slower"):
    """ref / lib as "2.5× faster", or "1.3× slower" below 1."""
    r = ref / lib
    return f"{r:.1f}× {more}" if r >= 1 else f"{1 / r:.1f}× {less}"


def spread(xs, fmt):
    return ", ".join(fmt(x) for x in xs)


def main():
    t_start = time.perf_counter()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    for prog in (PDRIFT, GEN_DATA, DETECT_BENCH):
        if not os.access(prog, os.X_OK):
            sys.exit(f"bench: {prog} not built (run make bench)")
    workdir = tempfile.mkdtemp(prefix="pdrift-bench-")
    try:
        return measure(workdir, t_start, started, load_before)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(workdir, t_start, started, load_before):
    # -- data: generated once, cached under BENCH_DATA, regenerated when the generator changes
    log(f"data in {os.path.relpath(DATA, ROOT)} (generated if missing or stale)")
    t0 = time.perf_counter()
    base_paths, job_b = ensure_data("baseline", SCALES if GROWTH_E2E else (1,))
    cur_paths, job_c = ensure_data("current", (1,))
    finish_data(job_b)
    finish_data(job_c)
    base_csv, cur_csv = base_paths[1], cur_paths[1]
    log(f"data ready in {time.perf_counter() - t0:.1f} s: {os.path.basename(base_csv)} "
        f"{mb(os.path.getsize(base_csv))}, {os.path.basename(cur_csv)} {mb(os.path.getsize(cur_csv))}")

    # -- the snapshot is rebuilt at every run: the library under test writes it,
    #    calibrated for the monitored window's length (pdrift baseline --window)
    snap = os.path.join(DATA, "baseline.pdb")
    snap_build, _, _ = run_timed([PDRIFT, "baseline", "--from", base_csv, "-o", snap,
                                  "--window", str(CUR_ROWS)])
    log(f"snapshot {mb(os.path.getsize(snap))} built in {secs(snap_build)}")

    # -- (a), (b), (e): whole processes, side by side; one warm-up round (page cache,
    #    and the results compared), then REPEATS rounds, the order rotating
    log("warm-up round: reference, pdrift monitor (CSV), pdrift monitor (snapshot)")
    _, _, ref0 = reference(base_csv, cur_csv, workdir)
    _, _, rep_csv = pdrift_monitor(base_csv, cur_csv, workdir)
    _, _, rep_snap = pdrift_monitor(snap, cur_csv, workdir)
    same_csv, diff_csv = compare(rep_csv, ref0)
    same_snap, diff_snap = compare(rep_snap, ref0)
    log(f"results vs reference: CSV baseline {'same' if same_csv else 'DIFFERENT'} {diff_csv}; "
        f"snapshot {'same' if same_snap else 'DIFFERENT'}")

    runs = {"ref_wall": [], "ref_read": [], "ref_compute": [], "ref_rss": [],
            "csv_wall": [], "csv_rss": [], "snap_wall": [], "snap_rss": []}

    def do_ref():
        wall, rss, r = reference(base_csv, cur_csv, workdir)
        runs["ref_wall"].append(wall)
        runs["ref_read"].append(r["read"])
        runs["ref_compute"].append(r["compute"])
        runs["ref_rss"].append(rss)

    def do_csv():
        wall, rss, _ = pdrift_monitor(base_csv, cur_csv, workdir)
        runs["csv_wall"].append(wall)
        runs["csv_rss"].append(rss)

    def do_snap():
        wall, rss, _ = pdrift_monitor(snap, cur_csv, workdir)
        runs["snap_wall"].append(wall)
        runs["snap_rss"].append(rss)

    order = [do_ref, do_csv, do_snap]
    for r in range(REPEATS):
        for fn in order[r % 3:] + order[:r % 3]:
            fn()
        log(f"round {r + 1}/{REPEATS}: reference {secs(runs['ref_wall'][-1])} "
            f"(compute {secs(runs['ref_compute'][-1])}), pdrift CSV {secs(runs['csv_wall'][-1])}, "
            f"snapshot {secs(runs['snap_wall'][-1])}")

    # -- CSV reading on one core (the last CPU, pinned)
    cpu = max(os.sched_getaffinity(0))
    log(f"CSV reading, pinned to CPU {cpu}: pdrift_baseline_load, pdrift_observe_load")
    csv_lines = detect_bench(["csv", base_csv, cur_csv, "--repeats", str(REPEATS)], cpu=cpu,
                             workdir=workdir)
    csv_fig = {line["figure"]: line for line in csv_lines}
    # -- the same on every CPU (PDRIFT_PARAM_THREADS as `pdrift monitor` sets it)
    log("CSV reading on every CPU")
    csv_all = {line["figure"]: line for line in
               detect_bench(["csv", base_csv, cur_csv, "--repeats", str(REPEATS), "--threads", "0"],
                            workdir=workdir)}

    # -- (c), (d), (f): in memory
    log(f"in memory: baseline_set, observe_batch, detect at x{', x'.join(map(str, SCALES))}")
    mem_lines = detect_bench(["memory", "--repeats", str(REPEATS),
                              "--scales", ",".join(map(str, SCALES))], workdir=workdir)
    detect = {l["scale"]: l for l in mem_lines if l["figure"] == "detect"}
    bset = {l["scale"]: l for l in mem_lines if l["figure"] == "baseline_set"}
    observe = {l["batch_rows"]: l for l in mem_lines if l["figure"] == "observe_batch"}
    library_version = next((l["version"] for l in mem_lines if l["figure"] == "library"), "?")

    # -- (b)'s parts, each run a fresh process as a cron run is
    parts = {"load": [], "observe": [], "detect": [], "report": []}
    for _ in range(REPEATS):
        line = next(l for l in detect_bench(["parts", snap, cur_csv, "--repeats", "1"], workdir=workdir)
                    if l["figure"] == "parts")
        for k in parts:
            parts[k].append(line[k][0])

    # -- a process's start: `pdrift --version` (the dynamic loading every run pays)
    starts = [run_timed([PDRIFT, "--version"])[0] for _ in range(20)]

    # -- the machine: what a fresh page costs (every figure pays it)
    page_lines = detect_bench(["pages", "--repeats", str(REPEATS)], workdir=workdir)
    pages = next(l for l in page_lines if l["figure"] == "fresh_memory")

    # -- detect as the window grows, the baseline fixed
    log(f"in memory: detect with windows of {', '.join(f'{w:,}' for w in WINDOWS)} rows")
    win_lines = detect_bench(["windows", "--repeats", str(REPEATS),
                              "--scales", ",".join(map(str, WINDOWS))], workdir=workdir)
    by_window = {l["window_rows"]: l for l in win_lines if l["figure"] == "detect_window"}

    # -- optional: pdrift monitor end to end as the CSV baseline grows
    growth_e2e = {}
    if GROWTH_E2E:
        for k in SCALES:
            walls = []
            for _ in range(max(1, min(REPEATS, 3))):
                wall, rss, _ = pdrift_monitor(base_paths[k], cur_csv, workdir)
                walls.append(wall)
            growth_e2e[k] = (walls, rss, os.path.getsize(base_paths[k]))
            log(f"pdrift monitor, CSV baseline x{k}: {secs(statistics.median(walls))}")

    # ---- the figures
    med = statistics.median
    ref_wall, ref_compute, ref_read = med(runs["ref_wall"]), med(runs["ref_compute"]), med(runs["ref_read"])
    csv_wall, snap_wall = med(runs["csv_wall"]), med(runs["snap_wall"])
    round_a = [r / c for r, c in zip(runs["ref_wall"], runs["csv_wall"])]
    round_b = [r / s for r, s in zip(runs["ref_wall"], runs["snap_wall"])]
    det1 = med(detect[1]["seconds"])
    det8 = med(detect[max(SCALES)]["seconds"])
    base_bytes, cur_bytes = os.path.getsize(base_csv), os.path.getsize(cur_csv)
    load_mbs = base_bytes / med(csv_fig["baseline_load"]["seconds"]) / 1e6
    oload_mbs = base_bytes / med(csv_fig["observe_load"]["seconds"]) / 1e6
    load_all_mbs = base_bytes / med(csv_all["baseline_load"]["seconds"]) / 1e6
    oload_all_mbs = base_bytes / med(csv_all["observe_load"]["seconds"]) / 1e6
    pandas_mbs = (base_bytes + cur_bytes) / ref_read / 1e6
    obs = med(observe[1000]["values_per_s"])
    obs1 = med(observe[1]["values_per_s"])
    rss_csv, rss_snap, rss_ref = max(runs["csv_rss"]), max(runs["snap_rss"]), max(runs["ref_rss"])

    def yes(ok):
        return "yes" if ok else "**no**"

    rows = [
        ("(a) end to end, `pdrift monitor`, CSV baseline", secs(csv_wall), secs(ref_wall),
         times(ref_wall, csv_wall), f"≥ {T_E2E_CSV:.0f}× faster",
         yes(ref_wall / csv_wall >= T_E2E_CSV)),
        ("(b) end to end, snapshot baseline", secs(snap_wall), secs(ref_wall),
         times(ref_wall, snap_wall), f"≥ {T_E2E_SNAP:.0f}× faster",
         yes(ref_wall / snap_wall >= T_E2E_SNAP)),
        ("(a) and (b) round by round, each against the reference of its round (the spread of this "
         "machine: the medians above pair the median times)",
         f"(a) {secs(min(runs['csv_wall']))} to {secs(max(runs['csv_wall']))}, "
         f"(b) {secs(min(runs['snap_wall']))} to {secs(max(runs['snap_wall']))}",
         f"{secs(min(runs['ref_wall']))} to {secs(max(runs['ref_wall']))}",
         f"(a) {min(round_a):.1f}× to {max(round_a):.1f}×, (b) {min(round_b):.1f}× to {max(round_b):.1f}×",
         "—", "—"),
        ("(c) detect alone (50 features, 200k baseline, 20k window) vs the reference's compute; "
         "median of repeated detects on one monitor (the first detect of a window length also "
         "computes the calibration null, see the growth table)",
         f"{secs(det1)} (first: {secs(detect[1]['seconds'][0])})", secs(ref_compute), times(ref_compute, det1),
         f"≥ {T_DETECT:.0f}× faster", yes(ref_compute / det1 >= T_DETECT)),
        ("CSV reading: the 200k × 50 CSV read and parsed into values by `pdrift_observe_load`, "
         "one core (vs pandas.read_csv)",
         f"{oload_mbs:.0f} MB/s", f"{pandas_mbs:.0f} MB/s", times(oload_mbs, pandas_mbs),
         f"≥ {T_CSV_MBS:.0f} MB/s", yes(oload_mbs >= T_CSV_MBS)),
        ("(d) `pdrift_observe_batch`, 1,000-row batches, window ring of 20,000 rows",
         f"{obs / 1e6:,.0f} M values/s", "—", "—", f"≥ {T_OBSERVE / 1e6:.0f} M values/s",
         yes(obs >= T_OBSERVE)),
        ("(e) peak RSS, 200k × 50 / 20k × 50, `pdrift monitor` CSV baseline",
         mb(rss_csv), mb(rss_ref), times(rss_ref, rss_csv, "less", "more"),
         f"≤ {mb(T_RSS_BYTES)} (1.5 × {mb(RAW_BYTES)} + 20 MB)", yes(rss_csv <= T_RSS_BYTES)),
        ("(f) detect time, baseline ×8 / ×1 (window fixed)",
         f"{secs(det8)} / {secs(det1)}", "—", f"{det8 / det1:.2f}", f"≤ {T_GROWTH}",
         yes(det8 / det1 <= T_GROWTH)),
    ]
    info = [
        ("reading and preparing a baseline: `pdrift_baseline_load` of the same CSV (reading, then "
         "sorting, PSI cuts, autocorrelation times), one core",
         f"{load_mbs:.0f} MB/s", f"{pandas_mbs:.0f} MB/s", times(load_mbs, pandas_mbs)),
        (f"the same two on every CPU ({os.cpu_count()} threads, as `pdrift monitor` runs them): "
         "`pdrift_observe_load` / `pdrift_baseline_load`",
         f"{oload_all_mbs:.0f} MB/s / {load_all_mbs:.0f} MB/s", f"{pandas_mbs:.0f} MB/s",
         times(oload_all_mbs, pandas_mbs)),
        ("`pdrift_observe_batch`, 1-row batches (one bar at a time)", f"{obs1 / 1e6:,.0f} M values/s",
         "—", "—"),
        ("peak RSS, `pdrift monitor` with the snapshot (mapped: the blocks a detect uses are read into its memory, the rest is never touched)", mb(rss_snap),
         mb(rss_ref), times(rss_ref, rss_snap, "less", "more")),
        ("reading both CSVs (reference: its two `read_csv` calls)", "—", secs(ref_read), "—"),
        ("building the snapshot, `pdrift baseline --from --window 20000` (one run)", secs(snap_build), "—", "—"),
        ("(b)'s library calls in a fresh process: `pdrift_baseline_load` of the snapshot / "
         "`pdrift_observe_load` of the window / the first `pdrift_detect`",
         f"{secs(med(parts['load']))} / {secs(med(parts['observe']))} / {secs(med(parts['detect']))}",
         "—", "—"),
        ("`pdrift_baseline_set`, 200k × 50 in memory", secs(bset[1]["seconds"]), "—", "—"),
    ]
    header = "| figure | libploutosdrift | reference | ratio | target | met? |\n|---|---|---|---|---|---|\n"
    table = header + "".join("| " + " | ".join(r) + " |\n" for r in rows)
    table += "".join(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | — | — |\n" for r in info)

    growth = "| baseline | rows | `pdrift_baseline_set` | detect, median | detect, first run | vs ×1 |"
    sep = "|---|---|---|---|---|---|"
    if growth_e2e:
        growth += " CSV size | `pdrift monitor` end to end | vs ×1 |"
        sep += "---|---|---|"
    growth += "\n" + sep + "\n"
    for k in SCALES:
        d = med(detect[k]["seconds"])
        growth += (f"| ×{k} | {detect[k]['baseline_rows']:,} | {secs(bset[k]['seconds'])} | "
                   f"{secs(d)} | {secs(detect[k]['seconds'][0])} | {d / det1:.2f} |")
        if growth_e2e:
            w, _, size = growth_e2e[k]
            growth += (f" {mb(size)} | {secs(med(w))} | "
                       f"{med(w) / med(growth_e2e[1][0]):.2f} |")
        growth += "\n"

    ref_w = med(by_window[CUR_ROWS]["seconds"])
    growth += ("\nDetect time as the window grows, the baseline fixed at 200,000 rows (one monitor; the "
               "first detect of a window length also computes the serial calibration for it):\n\n"
               "| window | rows | detect, median | vs 20,000 | detect, first run | vs 20,000 |\n"
               "|---|---|---|---|---|---|\n")
    for w in WINDOWS:
        d, first = med(by_window[w]["seconds"]), by_window[w]["first"]
        growth += (f"| ×{w / CUR_ROWS:g} | {w:,} | {secs(d)} | {d / ref_w:.2f} | {secs(first)} | "
                   f"{first / by_window[CUR_ROWS]['first']:.2f} |\n")

    elapsed = time.perf_counter() - t_start
    load_after = os.getloadavg()
    mach = machine()
    mach["library"] = library_version
    mach["fresh"] = (f"writing 100 MB of newly allocated memory: {secs(med(pages['first_write']))}; "
                     f"writing it again: {secs(med(pages['again']))} (`detect_bench pages`, median of "
                     f"{REPEATS})")

    print()
    print(table)
    print("Detect time as the baseline grows (window 20,000 rows), then as the window grows:\n")
    print(growth)
    same = same_csv and same_snap
    if not same:
        print(f"RESULTS DIFFER from the reference: CSV {diff_csv}, snapshot {diff_snap}")
    print(f"make bench took {elapsed:.0f} s; written to {os.path.relpath(OUTPUT, ROOT)}")

    # -- the targets not met: the budget against what its parts cost here
    snap_bytes = os.path.getsize(snap)
    read_a = base_bytes / (oload_all_mbs * 1e6)
    gaps = []
    if ref_wall / csv_wall < T_E2E_CSV:
        gaps.append(
            f"* **(a)** {T_E2E_CSV:.0f}× the reference leaves {secs(ref_wall / T_E2E_CSV)} for the "
            f"whole run; its {REPEATS} rounds took {secs(min(runs['csv_wall']))} to "
            f"{secs(max(runs['csv_wall']))}, the reference's {secs(min(runs['ref_wall']))} to "
            f"{secs(max(runs['ref_wall']))}. Reading the {mb(base_bytes)} CSV alone takes about "
            f"{secs(read_a)} on both cores; preparing the baseline (about "
            f"{secs(max(0.0, base_bytes / (load_all_mbs * 1e6) - read_a))} more in "
            f"`pdrift_baseline_load`: sorting 10 million values with their places, autocorrelation "
            f"times, and the new memory for them) and the first detect, which computes the serial "
            f"calibration ({secs(detect[1]['seconds'][0])} in memory), come on top.")
    if ref_wall / snap_wall < T_E2E_SNAP:
        p_load, p_obs, p_det = med(parts["load"]), med(parts["observe"]), med(parts["detect"])
        gaps.append(
            f"* **(b)** {T_E2E_SNAP:.0f}× leaves {secs(ref_wall / T_E2E_SNAP)}. In a fresh process "
            f"(`detect_bench parts`, medians of {REPEATS}), mapping the {mb(snap_bytes)} snapshot "
            f"and checking its metadata takes {secs(p_load)}, reading the {mb(cur_bytes)} window "
            f"{secs(p_obs)}, and the first detect {secs(p_det)}: {secs(p_load + p_obs + p_det)}, "
            f"before the process's start ({secs(med(starts))} for `pdrift --version`, median of 20) "
            f"and the writing of its report and history with their `fsync`s (a detect repeated on "
            f"one monitor takes {secs(det1)}: the first one also reads its blocks of the snapshot "
            f"and touches new memory). Its {REPEATS} rounds took {secs(min(runs['snap_wall']))} to "
            f"{secs(max(runs['snap_wall']))}.")
    if gaps:
        gaps.append("* Both runs already use this machine's two cores (`PDRIFT_PARAM_THREADS`, which "
                    "`pdrift monitor` sets to the online CPUs): the features of a detect and of a "
                    "baseline being prepared, and the second half of a large CSV file, go to a second "
                    "thread.")
    gaps_text = ("\n## Targets not met, and why\n\n" + "\n".join(gaps) + "\n") if gaps else ""

    write_report(table, growth, mach, runs, detect, csv_fig, observe, started, elapsed,
                 load_before, load_after, diff_csv, diff_snap, same, base_bytes, cur_bytes, gaps_text)
    return 0 if same else 1


def write_report(table, growth, mach, runs, detect, csv_fig, observe, started, elapsed,
                 load_before, load_after, diff_csv, diff_snap, same, base_bytes, cur_bytes, gaps_text):
    def listing(xs, fmt=secs):
        return spread(xs, fmt)

    agreement = (
        f"On the warm-up round the library's report and the reference agree on all "
        f"{diff_csv['features']} features: largest PSI difference {diff_csv['psi']:.1e} (relative), "
        f"KS D {diff_csv['ks_statistic']:.1e}, KS p-value (`ks_pvalue_iid` against `ks_2samp`) "
        f"{diff_csv['ks_pvalue']:.1e} relative, with the CSV baseline; {diff_snap['psi']:.1e}, "
        f"{diff_snap['ks_statistic']:.1e} and {diff_snap['ks_pvalue']:.1e} with the snapshot. "
        f"{diff_csv['drifted']} features drift (in memory: {detect[1]['drifted']})."
        if same else
        f"**The library's results differ from the reference's** (CSV baseline: {diff_csv}; "
        f"snapshot: {diff_snap}): the timings below are not of the same computation.")
    agreement = textwrap.fill(agreement, 100)
    text = f"""# Performance

Measured by `make bench` (bench/perf/run.py) on {started.strftime('%Y-%m-%d %H:%M UTC')}; the run
took {elapsed / 60:.1f} minutes. The numbers change as the library is optimised: run `make bench`
again to measure the current tree. Targets are those of issue 8; "**no**" marks a target not met.

```sh
make bench                     # BENCH_REPEATS=N (default 5), BENCH_GROWTH_E2E=1 (see below)
```

## Results

The 200,000 × 50 baseline and 20,000 × 50 current window. Times are medians of {REPEATS} runs.
The machine is shared: the reference's own time moves by a third from one hour to the next (the
round-by-round row gives this run's spread), so a ratio pairs times of the same run.
Ratio: reference time / library time ("faster"), library MB/s / pandas MB/s, reference RSS /
library RSS ("less"). Rows without a target are given for context.

{table}
Detect time as the baseline grows, the window fixed at 20,000 rows (the ×k baseline is the ×1
baseline continued: its first 200,000 rows are the ×1 rows):

{growth}
## Where the time goes, and what was done about it

* **Sorting once.** A baseline is sorted once, at load (one LSD radix sort per feature gives the
  sorted values, the ranks for the autocorrelation time and the place of every value in time
  order), or comes sorted from a snapshot. A detect sorts only the window (the same sort gives
  its ranks) and locates it in the sorted baseline for KS through fences: every ⌈n/4096⌉-th sorted
  value, 32 KB a feature, kept in cache. Between two fences every point of F_window − F_baseline
  has the same bounds on its baseline count, so one merge of the fences into the window gives,
  interval by interval, the largest lower bound and the smallest upper bound of the differences
  (four products an interval); only the intervals whose bounds reach them are walked, and their
  points counted exactly by a binary search in one block. D has the same bits as the full merge
  (tests/check_ks.c), and the cost is O(m + 4096) a feature whatever the baseline's size: this is
  why detect does not grow from ×1 to ×8. (Galloping through the sorted values instead cost 3.75×
  more at ×8, where they no longer fit in cache; walking the window's points instead of the
  intervals cost 9× more for continuous values.) PSI counts of the sorted window are a binary
  search per cut.
* **The KS p-value.** scipy's `kstwo.sf` for a drifted feature goes through Smirnov's sum, whose
  terms were each a `log2l`, `log2l` and `exp2l`: 18,000 terms, 2.5 ms for n = 18,000, and most of
  a detect's time with a few drifted features. For n ≥ 1000 the terms form one smooth wide bump,
  whose sum over the integers the trapezoidal rule on a coarse integer grid matches to far below
  rounding: the library evaluates every h-th term by itself (Loader's saddle-point form of a
  binomial probability) and halves h until two grids agree to 2^-45. 10–150 µs whatever n, and
  within 7e−15 of the sum term by term (tests/check_kstwo.c; docs/statistics.md).
* **The serial calibration in rank space.** For dependent features a detect ranks the window
  among up to 200 baseline windows of its length. Those windows are bitmaps over the sorted
  baseline's places: sliding to the next one clears and sets the places of the values leaving and
  entering, the PSI counts follow, and KS is the exact integer max |j n − c m| over the window's
  values, divided once (tests/check_ks.c: the same bits as a full merge). Without ties that maximum
  is found from the bitmap's words: a word's popcount and first and last places bound its values'
  differences, so only the few words that can hold an extreme are walked bit by bit. It depends
  only on the baseline, the settings and the window length: kept by the monitor for the next
  detects, and kept in a snapshot built with `pdrift baseline --window ROWS`
  (`pdrift_baseline_calibrate`), so a cron run on a snapshot pays only for its window.
* **Snapshots.** Format 4 holds each feature's sorted values and the u32 place of each value in
  time order (12 bytes a value) after a metadata part (PSI cuts and counts, the KS fences, the
  calibration, a checksum per block of eight fence steps of sorted values, 3 KB). `pdrift monitor`
  maps the file (`PDRIFT_PARAM_SNAPSHOT_MAP`), reads the metadata into memory of its own and checks
  it, about 1 ms for 120 MB; a detect reads (`pread`) the few blocks a feature it uses into huge
  pages and checks them there (checksum, order, fences). Touching the same bytes through the
  mapping cost a page fault per 4 KB, several times the read. Read whole (the library's default),
  every byte is checked at load, as before (docs/snapshot.md).
* **Threads.** With `PDRIFT_PARAM_THREADS` (`pdrift monitor`: the online CPUs) a detect tests one
  feature at a time on each thread, each reading its column of the window where it lies (the
  window is kept column by column, and an observed file is read by column and taken over as it
  is; gathering columns out of rows cost ten passes over the window), a baseline prepares its
  features one at a time on each,
  and a CSV file of 4 MiB or more is read by two threads: a second one reads from a line start past
  the middle, taking only the plain case, and its rows are kept only when the first reaches that
  point between two records (docs/threading.md). Results and error messages are the same whatever
  the number of threads (tests/check_monitor.c, tests/check_csv.c).
* **CSV numbers.** A plain decimal number and its separator are read in one pass, eight digits at a
  time (SWAR) once past leading zeros, converted by Clinger's fast path or the Eisel–Lemire method
  (the same bits as `strtod`, tests/check_numbers.c on 2.6 million strings); the digits after
  the first eight are read at once too (a SWAR prefix of 1 to 8 digits). Anything else goes
  through the general field cutter. The table is sized from the file size after its first rows (no
  doubling copies), and an observed file whose columns are the baseline's is taken over by the
  window without a copy. The second reading thread writes its rows into the first thread's
  buffer from a row a little past where the first thread's should end, so its half is never
  copied into new memory. A baseline CSV is read column by column straight into the buffer where
  each column is then sorted (the gap is skipped when the columns are sorted): no row-major
  table and no gathering pass.
* **Memory.** On this virtual machine new memory is dear: the first write to a fresh page costs
  10 µs or more (the machine table's "fresh memory" row), so a process that touches 200 MB pays
  about half a second before any work. Buffers from 1 MiB up are allocated aligned on 2 MB and
  advised whole for transparent huge pages: 8 MB written for the first time then take under
  1 ms instead of 25 once the kernel has huge pages back from an earlier process. Smaller scratch
  that is used at once is grouped to fill them: a detect worker's values, ranks and sort scratch
  in one huge page, a baseline worker's ranks and sort scratch in one block, the blocks a
  mapped snapshot reads in an arena of huge pages. A CSV baseline's columns are the buffer it is
  sorted in, so the baseline never exists twice.
* **Process start.** `pdrift` loads cairo (`dlopen`) only when it draws a chart: linked, cairo and
  the thirty libraries it brings took about 4 ms of every start (`pdrift --version` 8.6 → 4.8 ms).
{gaps_text}
## Machine

| | |
|---|---|
| CPU | {mach['cpu']} |
| cores | {mach['cores']} |
| memory | {mach['memory']} |
| fresh memory | {mach['fresh']} |
| system | {mach['os']}, kernel {mach['kernel']} |
| compiler | {mach['compiler']} |
| library | libploutosdrift {mach['library']}; `{mach['pdrift']}`; {mach['source']} |
| reference | {mach['python']} |
| load average | {load_before[0]:.2f} before the run, {load_after[0]:.2f} after (1 minute) |

## How it is measured

**Data.** `build/bench/gen_data` (bench/perf/gen_data.c, bench/perf/datagen.h) writes the files
into `build/bench-data/` from fixed seeds: 50 features — normal, Student t, share volumes
(integers), prices in cents, AR(1) series with φ = 0.9 to 0.98, features with 2% and 5% empty
cells, −1/0/1 signals, values rounded to 6 decimals, values of order 1e-5 — with every fifth
feature shifted in the current window. Numbers are written as pandas' `to_csv` writes them
(Python's repr: the shortest of up to 17 significant digits that reads back exactly), so the
baseline is {mb(base_bytes)} and the window {mb(cur_bytes)}. The files are cached and regenerated
when the generator's source changes. `detect_bench` builds the same values in memory from the same
header.

**The reference** (bench/perf/reference.py) does what the seed system does, written from its
description: `pandas.read_csv` of both files, then per feature (missing cells dropped) the PSI on
10 bins at `np.quantile` cut points of the baseline (right-closed, open outer bins, counts by
`np.searchsorted`, 1e-4 for an empty bin) and `scipy.stats.ks_2samp`. Its read and compute parts
are timed inside the process with `time.perf_counter`.

{agreement}

**End to end (a, b).** Each run is a whole process — the interpreter's start and imports included
for the reference — timed from `fork` to `wait4` (wall clock), its peak RSS (e) read from
`wait4`'s `ru_maxrss`. `pdrift monitor --baseline B --current C --model bench --log '' --report-dir
<fresh temporary directory> --quiet` writes its report and history there, not in the repository.
One warm-up round (files in the page cache; results compared), then {REPEATS} rounds of the
reference, the CSV run and the snapshot run, in rotating order. The snapshot is rebuilt by
`pdrift baseline --from B --window 20000` at each `make bench` (the library under test writes it,
with the serial calibration for the 20,000-row window, as an operator would for a cron job). No process is
pinned to a core: a library using both cores is measured as such.

**Detect alone (c), observe (d), growth (f).** `build/bench/detect_bench memory`
(bench/perf/detect_bench.c, public API, linked against the shared library): a monitor with
`PDRIFT_PARAM_WINDOW_SIZE` = 20,000 and otherwise the defaults (serial-dependence correction on),
the baseline given by `pdrift_baseline_set`. Detect: the window is emptied and refilled with the
20,000 current rows (not timed), then `pdrift_detect` is timed; {REPEATS} runs, median (the first
run is shown apart in the growth table: anything prepared lazily falls in it — the serial
calibration's null windows, computed at the first detect of a window length and kept by the
monitor for the next ones, as a trading bot with a full window ring detects again and again). Compared with the
reference's compute part, which also starts from data in memory. Observe: `pdrift_observe_batch`
of 1,000-row batches cycling over the 20,000 current rows for at least 0.5 s per run, the ring full
and wrapping; values per second, median of {REPEATS} runs after a warm-up run. Growth: the same
detect with baselines of 200,000 × k rows, k = 1, 2, 4, 8.

**CSV reading.** `build/bench/detect_bench csv`, pinned to one CPU with `sched_setaffinity`:
`pdrift_observe_load` of the {mb(base_bytes)} baseline CSV into the window of a monitor whose
baseline has the same columns — reading the file and parsing every number to its correctly
rounded double, nothing else — file size / median time of {REPEATS} runs (MB = 10^6 bytes): the
figure held to the target. Beside it, `pdrift_baseline_load` of the same file into a fresh monitor,
which reads the same way and then prepares the baseline (sorting every feature with the places of
its values, PSI cuts, autocorrelation times). The reference figure is pandas: both files' size /
the reference's read time.

**(b)'s parts, fresh memory.** `detect_bench parts SNAPSHOT CURRENT`, run {REPEATS} times, each
in a new process as a cron run is: the library calls of `pdrift monitor` on the snapshot, timed
one by one (medians). `detect_bench pages`: writing 100 MB of newly allocated memory, then writing
it again (medians of {REPEATS}) — what this machine charges for a new page, which every figure
that reads data pays.

**Peak RSS target.** "Raw doubles" counts the values of both files: 8 bytes × (200,000 + 20,000) ×
50 = {mb(RAW_BYTES)}, so the target is {mb(T_RSS_BYTES)}.

With `BENCH_GROWTH_E2E=1`, `make bench` also writes the CSV baselines ×2, ×4 and ×8 (400,000,
800,000 and 1,600,000 rows, about 2.4 GB, once; cached) and adds `pdrift monitor` end to end with
each to the growth table (median of up to 3 runs).

## Every run

| measurement | runs |
|---|---|
| reference, whole process | {listing(runs['ref_wall'])} |
| reference, read | {listing(runs['ref_read'])} |
| reference, compute | {listing(runs['ref_compute'])} |
| reference, peak RSS | {listing(runs['ref_rss'], mb)} |
| `pdrift monitor`, CSV baseline | {listing(runs['csv_wall'])} |
| `pdrift monitor`, CSV baseline, peak RSS | {listing(runs['csv_rss'], mb)} |
| `pdrift monitor`, snapshot | {listing(runs['snap_wall'])} |
| `pdrift monitor`, snapshot, peak RSS | {listing(runs['snap_rss'], mb)} |
| `pdrift_baseline_load`, one core | {listing(csv_fig['baseline_load']['seconds'])} |
| `pdrift_observe_load`, one core | {listing(csv_fig['observe_load']['seconds'])} |
| `pdrift_observe_batch`, 1,000 rows | {listing(observe[1000]['values_per_s'], lambda v: f"{v / 1e6:,.0f} M/s")} |
| `pdrift_observe_batch`, 1 row | {listing(observe[1]['values_per_s'], lambda v: f"{v / 1e6:,.0f} M/s")} |
""" + "".join(f"| `pdrift_detect`, baseline ×{k} | {listing(detect[k]['seconds'])} |\n"
              for k in SCALES)
    tmp = OUTPUT + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, OUTPUT)


if __name__ == "__main__":
    sys.exit(main())
