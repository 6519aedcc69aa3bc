"""Shared fixtures of the binding's tests.

`make check-python` sets PDRIFT_LIBRARY and PYTHONPATH; run alone, pytest
falls back to the library in build/ and the package in bindings/python.
"""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

BINDING = Path(__file__).resolve().parents[1]
REPO = BINDING.parents[1]
DATA = REPO / "tests" / "data"

os.environ.setdefault("PDRIFT_LIBRARY", str(REPO / "build" / "libploutosdrift.so.1"))
# absolute, for the subprocesses that run in temporary directories
os.environ["PDRIFT_LIBRARY"] = os.path.abspath(os.environ["PDRIFT_LIBRARY"])
if str(BINDING) not in sys.path:
    sys.path.insert(0, str(BINDING))


@pytest.fixture
def rng():
    """A fresh generator per test, fixed seed: failures replay exactly."""
    return np.random.default_rng(20261128)


def close(got, ref, rel, abs_tol=0.0):
    """SPEC §7's comparison: NaN only with NaN; rel, or abs for tiny values."""
    if np.isnan(ref) or np.isnan(got):
        return bool(np.isnan(ref) and np.isnan(got))
    if got == ref:
        return True
    if abs(ref) < 1e-300:
        return abs(got - ref) <= 1e-300
    return abs(got - ref) / abs(ref) <= rel or abs(got - ref) <= abs_tol
