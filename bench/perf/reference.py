#!/usr/bin/python3
"""The Python reference of the performance benchmark (`make bench`).

What the seed system (the Ploutos Python monitor, shared/seed/) does for data
drift, written here from its description, with the PSI binning corrected to
the library's (the seed's equal-width bins drop values outside the baseline's
range, a known fault; quantile bins cost the same or more):

  * pandas.read_csv of the baseline and the current file;
  * per feature (the baseline's numeric columns), missing cells dropped:
      - PSI with 10 bins at numpy quantiles of the baseline (np.quantile,
        type 7), duplicate cuts removed, right-closed bins with open outer
        bins (np.searchsorted counts), 1e-4 in place of an empty bin's share,
        PSI = sum (q - p) ln(q / p);
      - scipy.stats.ks_2samp (two-sided, method "auto").

    reference.py BASELINE.csv CURRENT.csv

prints one JSON object: the timings in seconds, measured with
time.perf_counter inside the process ("read": both read_csv calls,
"compute": the per-feature loop, "total": the two; the imports and the
interpreter's start are outside them, and the driver times the whole process
separately) and the results per feature (psi, ks_statistic, ks_pvalue), which
the driver compares with pdrift's report so that both timings are of the same
computation.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

BINS = 10
EPSILON = 1e-4


def psi(baseline: np.ndarray, current: np.ndarray) -> float:
    cuts = np.unique(np.quantile(baseline, np.linspace(0.0, 1.0, BINS + 1)[1:-1]))
    # bin i holds cuts[i-1] < x <= cuts[i]; bin 0 and the last are open
    p = np.bincount(np.searchsorted(cuts, baseline, side="left"), minlength=cuts.size + 1)
    q = np.bincount(np.searchsorted(cuts, current, side="left"), minlength=cuts.size + 1)
    p = p / baseline.size
    q = q / current.size
    p[p == 0] = EPSILON
    q[q == 0] = EPSILON
    return float(np.sum((q - p) * np.log(q / p)))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    base = pd.read_csv(sys.argv[1])
    cur = pd.read_csv(sys.argv[2])
    t1 = time.perf_counter()
    results = {}
    for name in base.columns:
        if not pd.api.types.is_numeric_dtype(base[name]):
            continue
        b = base[name].dropna().to_numpy(dtype=np.float64)
        c = cur[name].dropna().to_numpy(dtype=np.float64)
        ks = stats.ks_2samp(b, c)
        results[name] = {"psi": psi(b, c), "ks_statistic": float(ks.statistic),
                         "ks_pvalue": float(ks.pvalue)}
    t2 = time.perf_counter()
    json.dump({"read": t1 - t0, "compute": t2 - t1, "total": t2 - t0,
               "rows": [len(base), len(cur)], "features": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
