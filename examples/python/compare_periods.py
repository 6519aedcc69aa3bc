#!/usr/bin/python3
"""Compare two periods of the same features and print a per-feature table.

    compare_periods.py --data features.csv --date-column date --split 2026-07-01
    compare_periods.py --baseline model-v3.pdsnap --data last_week.csv
    compare_periods.py --synthetic

With --split, the rows before the date are the reference period and the rows
from it on the period under test. With --baseline, a snapshot written by
make_baseline.py is the reference and every row of --data is under test.
Exit status: 0 no drift, 1 drift found.
"""
import argparse
import sys

import numpy as np
import pandas as pd

import ploutos_drift as pdrift

COLUMNS = ["status", "severity", "psi", "psi_pvalue", "ks_statistic", "ks_pvalue_adjusted",
           "missing_current", "n_baseline", "n_current"]


def compare(reference, current: pd.DataFrame, sensitivity: str = "medium") -> pdrift.Result:
    """Detect drift of `current` against `reference` (a DataFrame or a snapshot path)."""
    with pdrift.Monitor(sensitivity=sensitivity) as m:
        if isinstance(reference, pd.DataFrame):
            m.set_baseline(reference)
        else:
            m.load_baseline(reference)
        m.observe(current)            # columns matched by name; extra ones ignored
        return m.detect()


def synthetic_periods(seed: int = 11):
    """Two quarters of daily features; volatility doubles in the second one."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2026-01-01", periods=360, freq="D")
    scale = np.where(dates >= "2026-07-01", 2.0, 1.0)
    frame = pd.DataFrame({
        "date": dates,
        "ret_1": rng.normal(0, 0.01, len(dates)) * scale,
        "rsi_14": np.clip(rng.normal(50, 10, len(dates)), 0, 100),
        "volume_z": rng.standard_normal(len(dates)),
    })
    return frame, "date", "2026-07-01"


def print_table(result: pdrift.Result) -> None:
    table = result.to_frame()[COLUMNS]
    with pd.option_context("display.width", 120, "display.float_format", "{:.4g}".format):
        print(table.to_string())
    print()
    print("verdict: %s" % result)
    for text in result.recommendations:
        print("  - " + text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="CSV of features (and a date column with --split)")
    ap.add_argument("--date-column", default="date")
    ap.add_argument("--split", help="first date of the period under test")
    ap.add_argument("--baseline", help="a baseline snapshot (make_baseline.py) as reference")
    ap.add_argument("--synthetic", action="store_true", help="use generated data")
    ap.add_argument("--sensitivity", default="medium", choices=["low", "medium", "high"])
    args = ap.parse_args(argv)

    if args.synthetic:
        frame, date_column, split = synthetic_periods()
    elif args.data:
        frame, date_column, split = pd.read_csv(args.data), args.date_column, args.split
    else:
        ap.error("give --data (with --split or --baseline), or --synthetic")

    if args.baseline:
        current = frame.drop(columns=[date_column], errors="ignore")
        result = compare(args.baseline, current, args.sensitivity)
        print("reference: %s; under test: %d rows" % (args.baseline, len(current)))
    elif split:
        dates = pd.to_datetime(frame[date_column])
        features = frame.drop(columns=[date_column]).select_dtypes("number")
        before, after = features[dates < split], features[dates >= split]
        print("reference: %d rows before %s; under test: %d rows from it" % (
            len(before), split, len(after)))
        result = compare(before, after, args.sensitivity)
    else:
        ap.error("--data needs --split or --baseline")
    print_table(result)
    return 1 if result.drift_detected else 0


if __name__ == "__main__":
    sys.exit(main())
