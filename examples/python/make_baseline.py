#!/usr/bin/python3
"""Training side: save the baseline a production monitor will compare against.

At the end of training, the validation period is what the model is known to
handle. This script turns it into a baseline snapshot -- the validation
features (with their names), the model's returns and its errors on that
period -- that `pdrift monitor --baseline FILE` or
`ploutos_drift.Monitor().load_baseline(FILE)` reads back in production.

    make_baseline.py --features val_features.csv --returns val_returns.csv \
                     --errors val_errors.csv --out model-v3.pdsnap
    make_baseline.py --synthetic --out /tmp/demo.pdsnap     # generated data

In a training script the three inputs are already in memory; the whole job is
`build_baseline` below.
"""
import argparse
import sys

import numpy as np
import pandas as pd

import ploutos_drift as pdrift


def build_baseline(features: pd.DataFrame, returns, errors, out: str,
                   sensitivity: str = "medium") -> pdrift.Monitor:
    """Set the three baselines on a monitor and save them as one snapshot."""
    m = pdrift.Monitor(sensitivity=sensitivity)
    m.set_baseline(features)          # feature names are the DataFrame's columns
    m.baseline_returns(returns)       # simple per-period returns of the validation period
    m.baseline_errors(errors)         # 0/1 (wrong direction) or any loss >= 0, in time order
    m.save_baseline(out)
    return m


def synthetic_validation(seed: int = 7, n: int = 1000):
    """Stand-in for a training pipeline's validation output (calm market)."""
    rng = np.random.default_rng(seed)
    ret = rng.normal(0.0003, 0.01, n)
    features = pd.DataFrame({
        "ret_1": ret,
        "vol_20": pd.Series(ret).rolling(20, min_periods=1).std().fillna(0.01).to_numpy(),
        "rsi_14": np.clip(rng.normal(50, 10, n), 0, 100),
        "volume_z": rng.standard_normal(n),
    })
    returns = rng.normal(0.0008, 0.01, 250)             # the strategy's daily returns
    errors = (rng.random(400) < 0.42).astype(float)     # wrong-direction flags
    return features, returns, errors


def read_series(path: str) -> np.ndarray:
    """A one-column CSV (header optional), or the column named like the file's role."""
    frame = pd.read_csv(path)
    numeric = frame.select_dtypes("number")
    if numeric.shape[1] != 1:
        sys.exit("%s: expected one numeric column, found %s" % (path, list(numeric.columns)))
    return numeric.iloc[:, 0].to_numpy(dtype=float)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", help="CSV of validation features, one column per feature")
    ap.add_argument("--returns", help="CSV of the validation period's returns")
    ap.add_argument("--errors", help="CSV of the model's validation errors")
    ap.add_argument("--synthetic", action="store_true", help="use generated validation data")
    ap.add_argument("--sensitivity", default="medium", choices=["low", "medium", "high"])
    ap.add_argument("--out", required=True, help="snapshot to write")
    args = ap.parse_args(argv)

    if args.synthetic:
        features, returns, errors = synthetic_validation()
    elif args.features and args.returns and args.errors:
        features = pd.read_csv(args.features).select_dtypes("number")
        returns, errors = read_series(args.returns), read_series(args.errors)
    else:
        ap.error("give --features, --returns and --errors, or --synthetic")

    with build_baseline(features, returns, errors, args.out, args.sensitivity) as m:
        names = m.feature_names
    print("baseline: %d rows x %d features (%s)" % (len(features), len(names), ", ".join(names)))
    print("returns:  %d, Sharpe %.2f, max drawdown %.1f%%" % (
        len(returns), pdrift.sharpe(returns), 100 * pdrift.max_drawdown(returns)))
    print("errors:   %d, mean %.3f" % (len(errors), float(np.mean(errors))))
    print("saved %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
