#!/usr/bin/python3
"""ploutos_drift.ks_2samp against scipy.stats.ks_2samp, side by side.

Two normal samples of 10^6 values each (numpy default_rng, fixed seed; the
second shifted by 0.002 so that the p-value is not trivial), method "auto"
(asymptotic at this size, for both). Each implementation runs REPEATS times,
alternating, and the median wall time is reported with the ratio, as a
Markdown table. Both results are checked to be identical (statistic bit for
bit, p-value to 1e-12), so the two timings are of the same computation.
Exit status 1 if they differ or if the binding is not the faster.

    make bench-python            # or: PDRIFT_LIBRARY=build/libploutosdrift.so.1 \
                                 #     PYTHONPATH=bindings/python bench/python/ks_bench.py
"""
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy
from scipy import stats

import ploutos_drift as pdrift

N = 10**6
REPEATS = int(os.environ.get("REPEATS", "5"))
SEED = 20261128


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown CPU"


def timed(fn, x, y):
    start = time.perf_counter()
    result = fn(x, y)
    return time.perf_counter() - start, result


def main() -> int:
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal(N)
    y = rng.standard_normal(N) + 0.002

    times = {"ploutos_drift": [], "scipy": []}
    results = {}
    timed(pdrift.ks_2samp, x[:1000], y[:1000])  # warm both up (page-in, imports)
    timed(stats.ks_2samp, x[:1000], y[:1000])
    for _ in range(REPEATS):
        for name, fn in (("ploutos_drift", pdrift.ks_2samp), ("scipy", stats.ks_2samp)):
            seconds, results[name] = timed(fn, x, y)
            times[name].append(seconds)

    ours, ref = results["ploutos_drift"], results["scipy"]
    if ours.statistic != ref.statistic or abs(ours.pvalue - ref.pvalue) > 1e-12 * abs(ref.pvalue):
        print("MISMATCH: ploutos_drift %r, scipy %r" % (tuple(ours), tuple(ref[:2])))
        return 1

    median = {name: statistics.median(t) for name, t in times.items()}
    print("ks_2samp, %d vs %d normal values, method auto (asymp), median of %d runs" % (N, N, REPEATS))
    print("%s, %d CPUs; Python %s, numpy %s, scipy %s, libploutosdrift %s"
          % (cpu_model(), os.cpu_count(), platform.python_version(), np.__version__,
             scipy.__version__, pdrift.library_version()))
    print()
    print("| implementation | median (ms) | min (ms) | D | p-value |")
    print("|---|---:|---:|---|---|")
    for name, result in (("ploutos_drift.ks_2samp", ours), ("scipy.stats.ks_2samp", ref)):
        key = name.split(".")[0]
        print("| %s | %.1f | %.1f | %.6g | %.6g |" % (name, 1000 * median[key],
                                                     1000 * min(times[key]), result.statistic,
                                                     result.pvalue))
    ratio = median["scipy"] / median["ploutos_drift"]
    print()
    print("ploutos_drift is %.2fx %s than scipy (ratio of medians)"
          % (ratio if ratio >= 1 else 1 / ratio, "faster" if ratio >= 1 else "SLOWER"))
    return 0 if ratio > 1 else 1


if __name__ == "__main__":
    sys.exit(main())
