"""Compare libploutosdrift with scipy itself on fresh random cases.

The golden files pin scipy 1.10.1's numbers on chosen cases; this test draws
new ones every run (seeded from the clock unless PDRIFT_SEED is set, and the
seed is printed so a failure can be replayed) and asks the installed scipy:
  * ks_2samp(x, y, method) for auto/exact/asymp: statistic bit for bit,
    p-value within SPEC §7's tolerances;
  * kstwo.sf(d, n) across every region of its decision tree;
  * PSI against an independent numpy implementation of SPEC §2.

Run by `make check` with Debian's /usr/bin/python3 (python3-numpy,
python3-scipy). The library is loaded from $PDRIFT_LIBRARY.
"""
import ctypes
import os
import sys
import time
import warnings

import numpy as np
import scipy
from scipy import stats

LIB = ctypes.CDLL(os.environ.get("PDRIFT_LIBRARY", "build/libploutosdrift.so.1"))
DP = ctypes.POINTER(ctypes.c_double)
LIB.pdrift_ks_2samp.argtypes = [DP, ctypes.c_size_t, DP, ctypes.c_size_t, ctypes.c_int, DP, DP]
LIB.pdrift_ks_2samp.restype = ctypes.c_int
LIB.pdrift_kstwo_sf.argtypes = [ctypes.c_double, ctypes.c_double]
LIB.pdrift_kstwo_sf.restype = ctypes.c_double
LIB.pdrift_psi.argtypes = [DP, ctypes.c_size_t, DP, ctypes.c_size_t, ctypes.c_uint, DP, DP]
LIB.pdrift_psi.restype = ctypes.c_int

METHODS = {"auto": 0, "exact": 1, "asymp": 2}


def as_ptr(a):
    return a.ctypes.data_as(DP)


def close(got, ref, rel, abs_tol):
    if np.isnan(ref) or np.isnan(got):
        return bool(np.isnan(ref) and np.isnan(got))
    if got == ref:
        return True
    if abs(ref) < 1e-300:
        return abs(got - ref) <= 1e-300
    return abs(got - ref) / abs(ref) <= rel or abs(got - ref) <= abs_tol


def draw_sample(rng, n, kind, shift):
    if kind == "normal":
        v = rng.standard_normal(n) + shift
    elif kind == "scale":
        v = rng.standard_normal(n) * (1 + shift)
    elif kind == "ties":
        v = np.round(rng.standard_normal(n) * 2 + shift)
    elif kind == "grid":
        v = np.round((rng.standard_normal(n) + shift) * 10) / 10
    elif kind == "heavy":
        v = rng.standard_t(2, n) + shift
    else:  # "special": a few infinities and signed zeros among normals
        v = rng.standard_normal(n) + shift
        k = max(1, n // 20)
        v[rng.integers(0, n, k)] = rng.choice([np.inf, -np.inf, 0.0, -0.0], k)
    return np.ascontiguousarray(v, dtype=np.float64)


def compare_ks(rng, n_cases):
    worst = {"exact": 0.0, "asymp": 0.0}
    failures = []
    kinds = ["normal", "scale", "ties", "grid", "heavy", "special"]
    for case in range(n_cases):
        band = rng.integers(0, 10)
        if band < 5:
            n1, n2 = rng.integers(1, 60, 2)
        elif band < 8:
            n1, n2 = rng.integers(20, 2500, 2)
        else:
            n1, n2 = rng.integers(2000, 14000, 2)
        if rng.random() < 0.2:
            n2 = n1
        kind = kinds[rng.integers(0, len(kinds))]
        shift = float(rng.choice([0.0, 0.02, 0.1, 0.3, 1.0, 4.0]))
        x = draw_sample(rng, int(n1), kind, 0.0)
        y = draw_sample(rng, int(n2), kind, shift)
        for name, code in METHODS.items():
            if name == "exact" and max(n1, n2) > 10000 and n1 != n2:
                continue  # scipy's own exact path is slow there; golden covers it
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = stats.ks_2samp(x, y, alternative="two-sided", method=name)
            d, p = ctypes.c_double(), ctypes.c_double()
            rc = LIB.pdrift_ks_2samp(as_ptr(x), len(x), as_ptr(y), len(y), code,
                                     ctypes.byref(d), ctypes.byref(p))
            ok_d = rc == 0 and d.value == ref.statistic
            ok_p = rc == 0 and close(p.value, ref.pvalue, 2e-12, 2e-15)
            if not (np.isnan(ref.pvalue) or ref.pvalue == 0):
                used = "exact" if name == "exact" or (name == "auto" and max(n1, n2) <= 10000) else "asymp"
                worst[used] = max(worst[used], abs(p.value - ref.pvalue) / ref.pvalue)
            if not (ok_d and ok_p):
                failures.append(f"ks n1={n1} n2={n2} kind={kind} shift={shift} {name}: "
                                f"rc={rc} D={d.value!r} (scipy {ref.statistic!r}) "
                                f"p={p.value!r} (scipy {ref.pvalue!r})")
    return worst, failures


def compare_kstwo(rng, n_points):
    failures = []
    worst = 0.0
    ns = np.concatenate([rng.integers(1, 141, n_points // 2),
                         rng.integers(141, 200000, n_points // 2 - n_points // 8),
                         rng.integers(200000, 3000000, n_points // 8)])
    for n in ns:
        n = int(n)
        r = rng.random()
        if r < 0.7:
            d = float(rng.uniform(0.05, 3.0) / np.sqrt(n))
        elif r < 0.85:
            d = float(rng.uniform(0.5 / n, 1.5 / n))
        else:
            d = float(rng.uniform(0.0, 1.0))
        d = min(d, 1.0)
        ref = float(stats.kstwo.sf(d, n))
        got = LIB.pdrift_kstwo_sf(d, float(n))
        if ref > 0:
            worst = max(worst, abs(got - ref) / ref)
        if not close(got, ref, 2e-12, 2e-15):
            failures.append(f"kstwo.sf({d!r}, {n}) = {got!r}, scipy {ref!r}")
    return worst, failures


def psi_reference(b, c, bins, eps=1e-4):
    """SPEC §2 in numpy, written independently of lib/psi.c."""
    b = np.sort(b)
    m = len(b)
    cuts = []
    for k in range(1, bins):
        h = (m - 1) * (k / bins)
        lo = int(np.floor(h))
        fr = h - lo
        hi = min(lo + 1, m - 1)
        if fr == 0 or b[lo] == b[hi]:
            q = b[lo]
        else:
            q = b[lo] + fr * (b[hi] - b[lo])
        if not cuts or q > cuts[-1]:
            cuts.append(q)
    cuts = np.array(cuts)
    nb = np.bincount(np.searchsorted(cuts, b, side="left"), minlength=len(cuts) + 1)
    nc = np.bincount(np.searchsorted(cuts, c, side="left"), minlength=len(cuts) + 1)
    p = nb / len(b)
    q = nc / len(c)
    p = np.where(p == 0, eps, p)
    q = np.where(q == 0, eps, q)
    psi = 0.0
    for pi, qi in zip(p, q):
        psi += (qi - pi) * np.log(qi / pi)
    df = int(np.sum((nb + nc) > 0)) - 1
    if df <= 0:
        return 0.0, 1.0
    return psi, float(stats.chi2.sf(psi / (1.0 / len(b) + 1.0 / len(c)), df))


def compare_psi(rng, n_cases):
    failures = []
    worst = 0.0
    for _ in range(n_cases):
        bins = int(rng.choice([2, 5, 10, 20]))
        m, n = (int(v) for v in rng.integers(bins, 5000, 2))
        kind = ["normal", "scale", "ties", "grid", "heavy"][rng.integers(0, 5)]
        b = draw_sample(rng, m, kind, 0.0)
        c = draw_sample(rng, n, kind, float(rng.choice([0.0, 0.05, 0.3, 2.0])))
        ref_psi, ref_p = psi_reference(b, c, bins)
        psi, p = ctypes.c_double(), ctypes.c_double()
        rc = LIB.pdrift_psi(as_ptr(b), m, as_ptr(c), n, bins, ctypes.byref(psi), ctypes.byref(p))
        if ref_psi != 0:
            worst = max(worst, abs(psi.value - ref_psi) / abs(ref_psi))
        if rc != 0 or not close(psi.value, ref_psi, 1e-13, 0) or not close(p.value, ref_p, 1e-9, 1e-15):
            failures.append(f"psi m={m} n={n} bins={bins} kind={kind}: rc={rc} "
                            f"psi={psi.value!r} (ref {ref_psi!r}) p={p.value!r} (ref {ref_p!r})")
    return worst, failures


def main():
    seed = int(os.environ.get("PDRIFT_SEED", time.time_ns() % 2**32))
    rng = np.random.default_rng(seed)
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, seed {seed} "
          f"(replay with PDRIFT_SEED={seed})")
    if scipy.__version__ != "1.10.1":
        print(f"note: the reference is scipy 1.10.1; this is {scipy.__version__}")
    ks_worst, ks_fail = compare_ks(rng, int(os.environ.get("PDRIFT_KS_CASES", 400)))
    kt_worst, kt_fail = compare_kstwo(rng, int(os.environ.get("PDRIFT_KSTWO_POINTS", 1200)))
    psi_worst, psi_fail = compare_psi(rng, int(os.environ.get("PDRIFT_PSI_CASES", 300)))
    print(f"ks_2samp : max rel err exact p {ks_worst['exact']:.3g}, asymp p {ks_worst['asymp']:.3g}; "
          f"{len(ks_fail)} failures")
    print(f"kstwo.sf : max rel err {kt_worst:.3g}; {len(kt_fail)} failures")
    print(f"psi      : max rel err vs numpy reference {psi_worst:.3g}; {len(psi_fail)} failures")
    failures = ks_fail + kt_fail + psi_fail
    for f in failures[:30]:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
