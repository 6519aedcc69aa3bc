"""The drift-history chart (examples/pdrift/plot.c), through tests/plot_driver.

Run by `make check-plot`: $PLOT_DRIVER (default build/tests/plot_driver) reads
a history JSON and calls plot_history. The PNG is read back with zlib alone:
chunk CRCs, the IHDR size, the scanline filters, then the pixels, where the
exact colours of the chart say what was drawn (drift markers in severity
colours, one colour per feature line).
"""
import json
import os
import random
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

PLOT_DRIVER = os.path.abspath(os.environ.get("PLOT_DRIVER", "build/tests/plot_driver"))
PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))

WIDTH, HEIGHT = 1200, 600
PLOT_RIGHT = 1000  # the plot area ends here; the legend column is to its right


def cairo_rgb(r, g, b):
    """8-bit value cairo stores for a colour set with doubles."""
    return tuple(int(v * 65535 + 0.5) >> 8 for v in (r, g, b))


# plot.c's palettes
FEATURE_COLOURS = [cairo_rgb(*c) for c in [(0.12, 0.47, 0.71), (0.17, 0.63, 0.17), (0.58, 0.40, 0.74),
                                           (0.09, 0.75, 0.81), (0.55, 0.34, 0.29)]]
SEVERITY_COLOURS = {"low": cairo_rgb(0.95, 0.76, 0.00), "medium": cairo_rgb(1.00, 0.50, 0.05),
                    "high": cairo_rgb(0.84, 0.15, 0.16)}

FEATURES = ["volatility", "momentum_20d", "rsi_14", "volume_z", "spread", "skew_5d", "beta"]
START = datetime(2026, 11, 18, 13, 0, tzinfo=timezone.utc)


# ---- histories -------------------------------------------------------------------

def make_run(when, severity="none", psis=None, threshold=0.15, model="demo"):
    drift = severity != "none"
    features = [{"name": name, "psi": psi, "ks_statistic": 0.1, "ks_pvalue": 0.5,
                 "drift": drift and psi is not None and psi > threshold,
                 "severity": severity if drift else "none"}
                for name, psi in (psis or {}).items()]
    return {"timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "model": model, "drift_detected": drift,
            "severity": severity,
            "action": {"none": "continue", "low": "watch", "medium": "retrain", "high": "fallback"}[severity],
            "drift_types": ["data"] if drift else [], "psi_threshold": threshold, "features": features}


def calm_psis(rng, names=FEATURES):
    return {name: round(0.01 + 0.02 * k * rng.random(), 4) for k, name in enumerate(names)}


def drifted_psis(rng, severity):
    psis = calm_psis(rng)
    psis["volatility"] = {"low": 0.18, "medium": 0.6, "high": 3 + 6 * rng.random()}[severity]
    return psis


def history(runs):
    return {"schema_version": 1, "summary": {}, "runs": runs}


def thirty_runs(drift_at):
    """30 runs every 8 hours (10 days); drift_at maps a run index to a severity."""
    rng = random.Random(30)
    runs = []
    for i in range(30):
        severity = drift_at.get(i, "none")
        psis = calm_psis(rng) if severity == "none" else drifted_psis(rng, severity)
        runs.append(make_run(START + timedelta(hours=8 * i), severity, psis))
    return history(runs)


# ---- the PNG, read with zlib alone -------------------------------------------------

def png_chunks(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    chunks, pos = [], 8
    while pos < len(data):
        assert pos + 12 <= len(data), "truncated chunk"
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert len(body) == length
        assert zlib.crc32(kind + body) == crc, f"CRC of {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b""), "IEND last"
    return chunks


def unfilter(raw, width, height, bpp):
    """Undo the PNG scanline filters (0 none, 1 sub, 2 up, 3 average, 4 paeth)."""
    stride = width * bpp
    assert len(raw) == height * (stride + 1)
    out = bytearray(height * stride)
    prior = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prior))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prior[i]
                c = prior[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        else:
            assert kind == 0, f"filter type {kind} on row {y}"
        out[y * stride:(y + 1) * stride] = line
        prior = line
    return out


def read_png(path):
    """The image as an array height x width x 3 (RGB; alpha dropped)."""
    with open(path, "rb") as f:
        chunks = png_chunks(f.read())
    width, height, depth, colour_type, compression, filtering, interlace = \
        struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height) == (WIDTH, HEIGHT)
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    assert (compression, filtering, interlace) == (0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    bpp = 3 if colour_type == 2 else 4
    pixels = np.frombuffer(bytes(unfilter(raw, width, height, bpp)), dtype=np.uint8)
    return pixels.reshape(height, width, bpp)[:, :, :3]


def colour_mask(image, rgb, tolerance=1):
    return np.all(np.abs(image.astype(int) - np.array(rgb)) <= tolerance, axis=2)


def count(image, rgb):
    return int(colour_mask(image[:, :PLOT_RIGHT], rgb).sum())


# ---- running the driver ------------------------------------------------------------

def plot(tmp_path, hist, out_name="history.png", raw=None):
    src = tmp_path / "drift_report.json"
    if raw is not None:
        src.write_bytes(raw)
    else:
        src.write_text(json.dumps(hist))
    out = tmp_path / out_name
    r = subprocess.run([PLOT_DRIVER, str(src), str(out)], capture_output=True, text=True, timeout=120)
    return r, out


def plot_ok(tmp_path, hist, **kw):
    r, out = plot(tmp_path, hist, **kw)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return read_png(out)


# ---- charts ------------------------------------------------------------------------

def test_thirty_runs_with_drift(tmp_path):
    image = plot_ok(tmp_path, thirty_runs({7: "low", 12: "medium", 13: "high", 14: "high", 27: "medium"}))
    for severity, rgb in SEVERITY_COLOURS.items():
        assert count(image, rgb) > 20, severity
    for k, rgb in enumerate(FEATURE_COLOURS):
        assert count(image, rgb) > 50, f"line of feature {k}"
    # A white background with a chart on it, not a blank or a black image.
    assert (image == 255).all(axis=2).mean() > 0.5
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


def test_no_drift_draws_no_severity_colour(tmp_path):
    image = plot_ok(tmp_path, thirty_runs({}))
    for severity, rgb in SEVERITY_COLOURS.items():
        assert not colour_mask(image, rgb, tolerance=2).any(), severity
    for k, rgb in enumerate(FEATURE_COLOURS):
        assert count(image, rgb) > 50, f"line of feature {k}"


def test_high_drift_only_is_red_not_orange(tmp_path):
    image = plot_ok(tmp_path, thirty_runs({20: "high"}))
    assert count(image, SEVERITY_COLOURS["high"]) > 20
    assert count(image, SEVERITY_COLOURS["medium"]) == 0
    assert count(image, SEVERITY_COLOURS["low"]) == 0


def test_one_run_is_a_point(tmp_path):
    psis = {"volatility": 8.3, "beta": 3.1, "spread": 1.2, "rsi_14": 0.4, "volume_z": 0.05, "skew_5d": 0.01}
    image = plot_ok(tmp_path, history([make_run(START, "high", psis)]))
    assert count(image, SEVERITY_COLOURS["high"]) > 20
    for k, rgb in enumerate(FEATURE_COLOURS):
        assert count(image, rgb) > 10, f"point of feature {k}"


def test_fewer_features_than_the_top_five(tmp_path):
    rng = random.Random(2)
    runs = [make_run(START + timedelta(days=i), psis=calm_psis(rng, ["alpha", "beta"])) for i in range(5)]
    image = plot_ok(tmp_path, history(runs))
    assert count(image, FEATURE_COLOURS[0]) > 50 and count(image, FEATURE_COLOURS[1]) > 50
    for rgb in FEATURE_COLOURS[2:]:
        assert count(image, rgb) == 0


def test_runs_are_placed_by_time_not_index(tmp_path):
    """Ten runs on one day, ten runs ten days later: drift at the last run of
    the first group and the first of the second lands far apart on the x axis."""
    rng = random.Random(3)
    runs = []
    for i in range(20):
        when = START + timedelta(hours=i) if i < 10 else START + timedelta(days=10, hours=i)
        severity = "high" if i in (9, 10) else "none"
        runs.append(make_run(when, severity,
                             drifted_psis(rng, severity) if severity != "none" else calm_psis(rng)))
    image = plot_ok(tmp_path, history(runs))
    columns = np.flatnonzero(colour_mask(image[:, :PLOT_RIGHT], SEVERITY_COLOURS["high"]).any(axis=0))
    assert len(columns) > 0
    gaps = np.diff(columns)
    assert gaps.max() > 0.6 * PLOT_RIGHT, "the two drift runs should be ten days apart"


def test_unordered_runs_are_sorted_by_time(tmp_path):
    hist = thirty_runs({5: "high"})
    random.Random(4).shuffle(hist["runs"])
    plot_ok(tmp_path, hist)


def test_null_psi_and_empty_features(tmp_path):
    hist = thirty_runs({10: "medium"})
    for i in (3, 4, 5):
        hist["runs"][i]["features"] = []  # a run with only error/returns data
    for feature in hist["runs"][8]["features"]:
        feature["psi"] = None  # not tested
    hist["runs"][11]["features"][0]["psi"] = None
    hist["runs"][-1]["psi_threshold"] = None
    hist["runs"][-1]["model"] = None
    image = plot_ok(tmp_path, hist)
    assert count(image, SEVERITY_COLOURS["medium"]) > 20
    assert sum(count(image, rgb) > 50 for rgb in FEATURE_COLOURS) == 5


def test_runs_without_a_timestamp_are_left_out(tmp_path):
    hist = thirty_runs({})
    hist["runs"][3]["timestamp"] = None
    hist["runs"][4]["timestamp"] = "yesterday"
    plot_ok(tmp_path, hist)


def test_short_span_and_odd_timestamps(tmp_path):
    rng = random.Random(5)
    runs = [make_run(START + timedelta(minutes=10 * i), psis=calm_psis(rng)) for i in range(12)]
    runs[0]["timestamp"] = "2026-11-18T12:55:00.250Z"
    runs[1]["timestamp"] = "2026-11-18T15:05:00+02:00"
    plot_ok(tmp_path, history(runs))


def test_invalid_utf8_feature_name(tmp_path):
    """cairo refuses invalid UTF-8; a CSV header may hold anything."""
    rng = random.Random(6)
    hist = history([make_run(START + timedelta(days=i), psis=calm_psis(rng, ["NAME", "b\u00e9ta"]))
                    for i in range(3)])
    hist["runs"][0]["model"] = "MODEL"
    raw = json.dumps(hist, ensure_ascii=False).encode()
    raw = raw.replace(b"NAME", b"bad\xff\xc3name" + b"x" * 80).replace(b"MODEL", b"m\xe2\x28odel")
    image = plot_ok(tmp_path, None, raw=raw)
    assert count(image, FEATURE_COLOURS[0]) > 50


def test_thousand_runs(tmp_path):
    rng = random.Random(7)
    runs = []
    for i in range(1000):
        severity = rng.choice(["low", "medium", "high"]) if i % 37 == 0 else "none"
        runs.append(make_run(START + timedelta(hours=i), severity,
                             drifted_psis(rng, severity) if severity != "none" else calm_psis(rng)))
    image = plot_ok(tmp_path, history(runs))
    assert count(image, SEVERITY_COLOURS["high"]) > 20
    assert sum(count(image, rgb) > 50 for rgb in FEATURE_COLOURS) == 5


def test_huge_psi_stays_on_the_chart(tmp_path):
    rng = random.Random(8)
    runs = [make_run(START + timedelta(days=i), psis=calm_psis(rng)) for i in range(10)]
    runs[5] = make_run(START + timedelta(days=5), "high", {"volatility": 1e6, "beta": 0.2})
    image = plot_ok(tmp_path, history(runs))
    assert count(image, SEVERITY_COLOURS["high"]) > 20


# ---- errors --------------------------------------------------------------------------

@pytest.mark.parametrize("hist", [{"schema_version": 1, "summary": {}}, history([]),
                                  {"schema_version": 1, "runs": {}}])
def test_history_without_runs(tmp_path, hist):
    r, out = plot(tmp_path, hist)
    assert r.returncode == 1
    assert "no runs" in r.stderr
    assert not out.exists()


def test_history_is_not_an_object(tmp_path):
    r, out = plot(tmp_path, [1, 2])
    assert r.returncode == 1 and "not a JSON object" in r.stderr


def test_no_feature_has_a_psi(tmp_path):
    runs = [make_run(START + timedelta(days=i), "high" if i == 2 else "none") for i in range(4)]
    runs[1]["features"] = [{"name": "volatility", "psi": None}]
    r, out = plot(tmp_path, history(runs))
    assert r.returncode == 1
    assert "no run of the history has a feature with a PSI" in r.stderr
    assert not out.exists()


def test_no_run_has_a_timestamp(tmp_path):
    run = make_run(START, psis={"volatility": 0.1})
    run["timestamp"] = None
    r, _ = plot(tmp_path, history([run]))
    assert r.returncode == 1 and "timestamp" in r.stderr


def test_missing_directory(tmp_path):
    r, out = plot(tmp_path, thirty_runs({}), out_name="no/such/dir/drift_history.png")
    assert r.returncode == 1
    assert f"cannot write {out}: No such file or directory" in r.stderr
    assert not (tmp_path / "no").exists()


def test_failed_write_leaves_the_old_chart(tmp_path):
    """A name of 250 bytes exists, but its temporary sibling (name.tmp.PID)
    is longer than NAME_MAX: the write fails as root too."""
    name = "c" * 246 + ".png"
    old = tmp_path / name
    old.write_bytes(b"previous chart")
    r, out = plot(tmp_path, thirty_runs({}), out_name=name)
    assert r.returncode == 1
    assert f"cannot write {out}: File name too long" in r.stderr
    assert old.read_bytes() == b"previous chart"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["drift_report.json", name])


def test_bad_history_leaves_the_old_chart(tmp_path):
    (tmp_path / "history.png").write_bytes(b"previous chart")
    r, out = plot(tmp_path, history([]))
    assert r.returncode == 1
    assert out.read_bytes() == b"previous chart"


def test_rewrite_replaces_the_chart(tmp_path):
    plot_ok(tmp_path, thirty_runs({}))
    image = plot_ok(tmp_path, thirty_runs({3: "high"}))
    assert count(image, SEVERITY_COLOURS["high"]) > 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift_report.json", "history.png"]


# ---- memory and linking ----------------------------------------------------------------

def test_no_leak_under_valgrind(tmp_path):
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    with open(PLOT_DRIVER, "rb") as f:
        if b"libasan" in f.read():
            pytest.skip("the driver is built with AddressSanitizer")
    src = tmp_path / "drift_report.json"
    src.write_text(json.dumps(thirty_runs({3: "low", 9: "high"})))
    # The driver frees cairo's and fontconfig's caches at exit; a definite
    # leak left is plot.c's. Exit 99, not 1: the driver's own failure is 1.
    for out in (tmp_path / "ok.png", tmp_path / "missing" / "x.png"):
        r = subprocess.run(["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                            "--errors-for-leak-kinds=definite", PLOT_DRIVER, str(src), str(out)],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode in (0, 1), r.stderr
        assert "definitely lost" not in r.stderr and "Invalid" not in r.stderr, r.stderr


def needed(path):
    r = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True)
    return r.stdout


def test_cairo_is_loaded_only_to_draw(tmp_path):
    """Neither the library nor pdrift links cairo: pdrift loads it when --plot
    draws a chart, so a run without --plot starts without its thirty libraries."""
    lib = os.path.join(os.path.dirname(PDRIFT), "libploutosdrift.so")
    if not os.path.exists(PDRIFT) or not os.path.exists(lib):
        pytest.skip("pdrift is not built")
    assert "libcairo" not in needed(os.path.realpath(lib))
    assert "libcairo" not in needed(PDRIFT)
    r = subprocess.run([PDRIFT, "sample-data", "data"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    monitor = [PDRIFT, "monitor", "--baseline", "data/baseline.csv", "--current", "data/current_calm.csv",
               "--quiet"]
    env = dict(os.environ, LD_DEBUG="files")  # the loader names every object it opens
    without = subprocess.run(monitor, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert without.returncode == 0, without.stderr[-2000:]
    assert "libploutosdrift" in without.stderr and "libcairo" not in without.stderr
    drawn = subprocess.run(monitor + ["--plot", "chart.png"], cwd=tmp_path, capture_output=True, text=True,
                           env=env)
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert "libcairo.so" in drawn.stderr
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
