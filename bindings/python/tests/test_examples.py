"""examples/python/ run on generated data, as a user runs them."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import ploutos_drift as pdrift
from conftest import BINDING, REPO

EXAMPLES = REPO / "examples" / "python"
needs_save = pytest.mark.skipif(
    pdrift._lib.optional_function("pdrift_baseline_save") is None,
    reason="the library does not export pdrift_baseline_save yet")


def run(script, *args):
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    return subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120)


def feature_frame(rng, n, vol_scale=1.0):
    return pd.DataFrame({
        "date": pd.date_range("2026-01-01", periods=n, freq="h").astype(str),
        "ret_1": rng.normal(0, 0.01, n),
        "vol_20": np.abs(rng.normal(0.01, 0.002, n)) * vol_scale,
        "spread": rng.gamma(2.0, 0.5, n),
    })


@needs_save
def test_make_baseline_then_compare_with_the_snapshot(rng, tmp_path):
    feature_frame(rng, 800).to_csv(tmp_path / "val_features.csv", index=False)
    pd.DataFrame({"return": rng.normal(0.001, 0.01, 250)}).to_csv(tmp_path / "val_returns.csv", index=False)
    pd.DataFrame({"error": (rng.random(300) < 0.4).astype(int)}).to_csv(tmp_path / "val_errors.csv", index=False)
    snapshot = tmp_path / "model.pdsnap"
    p = run("make_baseline.py", "--features", tmp_path / "val_features.csv",
            "--returns", tmp_path / "val_returns.csv", "--errors", tmp_path / "val_errors.csv",
            "--out", snapshot)
    assert p.returncode == 0, p.stderr
    assert "800 rows x 3 features (ret_1, vol_20, spread)" in p.stdout
    with pdrift.Monitor() as m:
        m.load_baseline(snapshot)
        assert m.feature_names == ["ret_1", "vol_20", "spread"]
        r = m.detect()  # nothing observed yet: every check is insufficient, none fails
        assert r.values["n_returns_baseline"] == 250 and r.values["n_errors_reference"] == 300

    feature_frame(rng, 300).to_csv(tmp_path / "calm.csv", index=False)
    p = run("compare_periods.py", "--baseline", snapshot, "--data", tmp_path / "calm.csv")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "severity none" in p.stdout

    feature_frame(rng, 300, vol_scale=2.0)[["vol_20", "spread", "ret_1"]].to_csv(
        tmp_path / "volatile.csv", index=False)
    p = run("compare_periods.py", "--baseline", snapshot, "--data", tmp_path / "volatile.csv")
    assert p.returncode == 1, p.stdout + p.stderr
    rows = {line.split()[0]: line.split()[1] for line in p.stdout.splitlines()
            if line.split() and line.split()[0] in ("ret_1", "vol_20", "spread")}
    assert rows == {"ret_1": "ok", "vol_20": "drift", "spread": "ok"}


@needs_save
def test_make_baseline_synthetic(tmp_path):
    p = run("make_baseline.py", "--synthetic", "--out", tmp_path / "demo.pdsnap")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "demo.pdsnap").stat().st_size > 0


def test_compare_periods_split_by_date(rng, tmp_path):
    frame = feature_frame(rng, 600)
    frame.loc[300:, "spread"] += 1.5            # the second half's spread widens
    frame.to_csv(tmp_path / "data.csv", index=False)
    split = frame["date"][300]
    p = run("compare_periods.py", "--data", tmp_path / "data.csv", "--split", split)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "300 rows before %s; under test: 300 rows" % split in p.stdout
    assert any(line.startswith("spread") and " drift " in line for line in p.stdout.splitlines())
    assert "Data drift" in p.stdout and "spread" in p.stdout.split("verdict:")[1]


def test_compare_periods_synthetic():
    p = run("compare_periods.py", "--synthetic")
    assert p.returncode == 1, p.stdout + p.stderr
    assert any(line.split()[:2] == ["ret_1", "drift"] for line in p.stdout.splitlines() if line.strip())
