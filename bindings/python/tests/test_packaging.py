"""`pip install ./bindings/python` works offline and installs an importable,
typed package."""
import os
import shutil
import subprocess
import sys

from conftest import BINDING


def test_pip_install_offline_then_import(tmp_path):
    # Build from a copy: setuptools writes build/ and *.egg-info into the source tree.
    src = tmp_path / "src"
    shutil.copytree(BINDING, src, ignore=shutil.ignore_patterns(
        "tests", "build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
         "--disable-pip-version-check", "--target", str(target), str(src)],
        capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (target / "ploutos_drift" / "py.typed").exists()

    env = dict(os.environ, PYTHONPATH=str(target))
    code = ("import ploutos_drift as p, numpy as np; print(p.__file__); "
            "print(p.ks_2samp(np.arange(10.0), np.arange(5.0) + 20).statistic)")
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    where, statistic = run.stdout.split()
    assert where.startswith(str(target))
    assert float(statistic) == 1.0
