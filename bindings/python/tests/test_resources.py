"""Memory and threads: no leak over many monitors; monitors used from threads."""
import gc
import os
import threading

import numpy as np
from pandas.testing import assert_frame_equal

import ploutos_drift as pdrift
from ploutos_drift import monitor as monitor_module


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def monitor_cycles(n, baseline, window):
    for _ in range(n):
        with pdrift.Monitor() as m:
            m.set_baseline(baseline, names=["a", "b"])
            m.observe(window)
            m.detect()


def rss_growth(n, baseline, window):
    monitor_cycles(200, baseline, window)  # warm up allocator, caches, ctypes
    gc.collect()
    before = rss_bytes()
    monitor_cycles(n, baseline, window)
    gc.collect()
    return rss_bytes() - before


# A monitor with a 50-row baseline and a detection costs ~10 kB: leaking it
# would grow the process by ~100 MB over 10,000 cycles. 2 MB of slack allows
# allocator noise (~0.1 MB measured) and catches any leak of 200 B per cycle.
SLACK = 2 << 20


def test_no_leak_over_10000_monitor_cycles(rng):
    baseline, window = rng.standard_normal((50, 2)), rng.standard_normal((40, 2))
    growth = rss_growth(10_000, baseline, window)
    assert growth < SLACK, "RSS grew by %d bytes over 10,000 monitor cycles" % growth


def test_the_leak_measurement_sees_a_leak(rng, monkeypatch):
    """Control: with pdrift_monitor_free disabled, the same measurement fails."""
    class NoFree:
        def __getattr__(self, name):
            return getattr(pdrift._lib.lib, name)

        def pdrift_monitor_free(self, handle):
            pass
    monkeypatch.setattr(monitor_module, "lib", NoFree())
    baseline, window = rng.standard_normal((50, 2)), rng.standard_normal((40, 2))
    assert rss_growth(1000, baseline, window) > SLACK  # 1,000 leaked monitors ~ 10 MB


def run_threads(*targets):
    errors = []
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        try:
            barrier.wait()
            target()
        except BaseException as e:  # reported by the main thread
            errors.append(e)
    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_two_threads_on_two_monitors(rng):
    """Each thread's results equal the same work done alone."""
    cases = []
    for shift in (0.3, 0.0):
        base = rng.standard_normal((800, 2))
        window = rng.standard_normal((300, 2)) + [shift, 0.0]
        with pdrift.Monitor() as m:
            m.set_baseline(base)
            m.observe(window)
            cases.append((base, window, m.detect().to_frame()))

    def work(base, window, expected):
        with pdrift.Monitor() as m:
            m.set_baseline(base)
            for _ in range(30):
                m.reset_window()
                m.observe(window)
                assert_frame_equal(m.detect().to_frame(), expected)
    run_threads(*(lambda c=c: work(*c) for c in cases))


def test_one_monitor_shared_by_two_threads(rng):
    """The monitor's lock serialises the calls: every row of both threads is
    in the window, and detections in between see a consistent monitor."""
    batches = 300
    with pdrift.Monitor() as m:
        m.set_baseline(rng.standard_normal((500, 3)))

        def work(seed):
            local = np.random.default_rng(seed)
            for i in range(batches):
                m.observe(local.standard_normal((10, 3)))
                m.observe_returns(local.normal(0, 0.01, 5))
                if i % 20 == 0:
                    r = m.detect()
                    assert r.values["n_current_rows"] % 10 == 0
        run_threads(lambda: work(1), lambda: work(2))
        r = m.detect()
    assert r.values["n_current_rows"] == 2 * batches * 10
    assert r.values["n_returns_current"] == 2 * batches * 5
