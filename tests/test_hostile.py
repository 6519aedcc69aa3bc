"""A catalogue of hostile inputs (issue 9 item 3): every case is either accepted with the same
result as the clean file, accepted as what it is (a column skipped, a feature without data), or
rejected with exit 3 and a message naming the file (and the line and column where there is one)
— and a rejected run leaves the previous report and history byte for byte.

Run by `make check` against $PDRIFT. The table in docs/reliability.md lists the same cases.
"""
import json
import os
import subprocess

import numpy as np
import pytest

PDRIFT = os.path.abspath(os.environ.get("PDRIFT", "build/pdrift"))


def run(*args, cwd):
    return subprocess.run([PDRIFT, *args], cwd=cwd, capture_output=True, timeout=300)


def numbers(n, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    return [(float(a) + shift, float(b)) for a, b in rng.standard_normal((n, 2))]


def csv_text(rows, header="a,b", eol="\n"):
    return header + eol + "".join(f"{a!r},{b!r}{eol}" for a, b in rows)


BASE = numbers(400, 1)
CUR = numbers(120, 2, shift=0.8)
CLEAN_BASE = csv_text(BASE).encode()
CLEAN_CUR = csv_text(CUR).encode()


def with_line(text, index, line):
    lines = text.decode().split("\n")
    lines[index] = line
    return "\n".join(lines).encode()


def snapshot_bytes(tmp):
    (tmp / "snap_src.csv").write_bytes(CLEAN_BASE)
    r = run("baseline", "--from", "snap_src.csv", "-o", "snap.pdsnap", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return (tmp / "snap.pdsnap").read_bytes()


# (name, which file is hostile, its bytes (or a function of the folder), expectation)
# expectation: "same" — the report equals the clean one (drift verdict and every feature number);
#              "ok" — accepted (exit 0, 1 or 2) and the check passes;
#              ("exit3", fragment) — exit 3 and the message contains fragment
CASES = [
    ("empty file", "base", b"", ("exit3", "base.csv: empty file")),
    ("header only", "base", b"a,b\n", ("exit3", "base.csv: no data row")),
    ("ragged row", "base", with_line(CLEAN_BASE, 5, "1.0,2.0,3.0"), ("exit3", "base.csv:6:")),
    ("short row", "base", with_line(CLEAN_BASE, 5, "1.0"), ("exit3", "base.csv:6:")),
    ("non-numeric cell", "base", with_line(CLEAN_BASE, 7, "1.0,abc"), ("exit3", "base.csv:8:")),
    ("non-numeric cell in the current file", "cur", with_line(CLEAN_CUR, 3, "abc,1.0"), ("exit3", "cur.csv:4:")),
    # a text first value makes a text column, skipped and reported (its value cut short)
    ("a 10 MB line (one text cell)", "base", b"a,b\n1.0," + b"x" * 10_000_000 + b"\n" + CLEAN_BASE[4:], "ok"),
    ("binary garbage", "base", bytes(np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8)),
     ("exit3", "base.csv:")),
    ("NUL byte", "base", with_line(CLEAN_BASE, 3, "1.0,\0" + "2.0"), ("exit3", "NUL byte")),
    ("UTF-8 BOM", "base", b"\xef\xbb\xbf" + CLEAN_BASE, "same"),
    ("CRLF line ends", "base", csv_text(BASE, eol="\r\n").encode(), "same"),
    ("CR line ends", "base", csv_text(BASE, eol="\r").encode(), "same"),
    ("blank lines", "base", CLEAN_BASE.replace(b"\n", b"\n\n", 50), "same"),
    ("spaces around numbers", "base", CLEAN_BASE.replace(b",", b" , "), "same"),
    ("quoted numbers", "base", b"a,b\n" + b"".join(b'"%r","%r"\n' % (a, b) for a, b in BASE), "same"),
    ("quoted comma in a number column", "base", with_line(CLEAN_BASE, 9, '"1,5",2.0'), ("exit3", "base.csv:10:")),
    ("unterminated quote", "base", with_line(CLEAN_BASE, 9, '"1.5,2.0'), ("exit3", "base.csv:")),
    ("quote inside an unquoted field", "base", with_line(CLEAN_BASE, 9, '1"5,2.0'), ("exit3", "base.csv:10:")),
    ("duplicate column names", "base", CLEAN_BASE.replace(b"a,b", b"a,a", 1), ("exit3", "duplicate column name")),
    ("a baseline column missing from the current file", "cur", b"a\n" + b"".join(b"%r\n" % a for a, _ in CUR),
     ("exit3", 'cur.csv: baseline column "b" is missing')),
    ("an extra column in the current file", "cur",
     b"a,b,c\n" + b"".join(b"%r,%r,1\n" % (a, b) for a, b in CUR), "same"),
    ("columns in another order", "cur", b"b,a\n" + b"".join(b"%r,%r\n" % (b, a) for a, b in CUR), "same"),
    ("an all-NaN column", "base", b"a,b,c\n" + b"".join(b"%r,%r,\n" % (a, b) for a, b in BASE), "ok"),
    ("missing markers (NaN, NA, null)", "base",
     b"a,b\n" + b"".join((b"NA,%r\n" % b) if i % 7 == 0 else (b"%r,%r\n" % (a, b)) for i, (a, b) in enumerate(BASE)),
     "ok"),
    ("one data row", "base", b"a,b\n1.0,2.0\n", "ok"),
    ("huge magnitudes", "base", b"a,b\n" + b"".join(b"%r,%r\n" % (a * 1e300, b) for a, b in BASE), "ok"),
    ("tiny and subnormal magnitudes", "base", b"a,b\n" + b"".join(b"%r,%r\n" % (a * 1e-315, b) for a, b in BASE),
     "ok"),
    ("inf and -inf", "base", with_line(with_line(CLEAN_BASE, 3, "inf,1.0"), 4, "-inf,2.0"), "ok"),
    ("numbers beyond the double range", "base", with_line(CLEAN_BASE, 3, "1e999,-1e999"), "ok"),
    ("very long column names", "base", CLEAN_BASE.replace(b"a,b", b"a" * 5000 + b",b", 1), ("exit3", "cur.csv")),
    ("an unnamed column (a pandas index)", "base",
     b",a,b\n" + b"".join(b"%d,%r,%r\n" % (i, a, b) for i, (a, b) in enumerate(BASE)), "same"),
    ("a date column", "base",
     b"Date,a,b\n" + b"".join(b"2024-01-01,%r,%r\n" % (a, b) for a, b in BASE), "same"),
    ("UTF-16 text", "base", CLEAN_BASE.decode().encode("utf-16"), ("exit3", "base.csv:")),
    ("100,000 columns", "both", None, "ok"),
    ("a directory given as a file", "base", "DIR", ("exit3", "is a directory")),
    ("a path that does not exist", "base", "MISSING", ("exit3", "cannot open")),
    ("a truncated snapshot", "snap", lambda b: b[: len(b) // 2], ("exit3", "snapshot truncated")),
    ("a bit-flipped snapshot", "snap", lambda b: b[:300] + bytes([b[300] ^ 4]) + b[301:],
     ("exit3", "checksum mismatch")),
    ("a snapshot from a future format version", "snap", lambda b: b[:8] + bytes([7]) + b[9:],
     ("exit3", "newer than this library")),
    ("a snapshot given as the current file", "cur", "SNAPSHOT", ("exit3", "cur.csv:")),
    ("an empty current file", "cur", b"", ("exit3", "cur.csv: empty file")),
    # the input limits (PDRIFT_PARAM_MAX_*): the defaults, and pdrift --set
    ("a 40 MB line (past max_line_bytes' default of 32 MiB)", "base",
     b"a,b\n1.0," + b"x" * 40_000_000 + b"\n" + CLEAN_BASE[4:],
     ("exit3", "base.csv:2:33554433: line longer than 33554432 bytes, the limit max_line_bytes")),
    ("100,001 columns (past max_columns' default)", "base",
     ",".join(f"c{i}" for i in range(100_001)).encode() + b"\n" + b"1," * 100_000 + b"1\n",
     ("exit3", "base.csv:1:688891: header has more than 100000 columns, the limit max_columns")),
    ("more rows than --set max_rows=399", "base", CLEAN_BASE,
     ("exit3", "base.csv:401:1: more than 399 data rows, the limit max_rows (raise the parameter max_rows")),
    # a name goes to terminals, logs and mails: an escape sequence in it is refused
    ("an escape sequence in a column name", "base", CLEAN_BASE.replace(b"a,b", b"a\x1b[31m,b", 1),
     ("exit3", "base.csv:1:2: header: control character (byte 0x1B) in a column name")),
    ("a snapshot larger than --set max_memory=4096", "snap", lambda b: b,
     ("exit3", "bytes, more than 4096 bytes, the limit max_memory (raise the parameter max_memory")),
]

# operator settings of the cases that need them
EXTRA_ARGS = {
    "more rows than --set max_rows=399": ["--set", "max_rows=399"],
    "a snapshot larger than --set max_memory=4096": ["--set", "max_memory=4096"],
}


def feature_numbers(report):
    out = {}
    for f in report["data_drift"]["features"]:
        out[f["name"]] = (f["status"], f["psi"], f["ks_statistic"], f["ks_pvalue"], f["n_baseline"], f["n_current"])
    return report["severity"], report["action"], out


@pytest.mark.parametrize("name,which,content,expect", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(tmp_path, name, which, content, expect):
    (tmp_path / "base.csv").write_bytes(CLEAN_BASE)
    (tmp_path / "cur.csv").write_bytes(CLEAN_CUR)
    clean = run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--json", "--report-dir", "clean",
                "--log", "", cwd=tmp_path)
    assert clean.returncode in (0, 1, 2), clean.stderr
    # a previous good run whose files must survive a rejected one
    assert run("monitor", "--baseline", "base.csv", "--current", "cur.csv", "--quiet", cwd=tmp_path).returncode in (0, 1, 2)
    kept = {p: (tmp_path / p).read_bytes() for p in ("reports/drift_monitoring_latest.json",
                                                      "reports/drift_report.json")}
    baseline = "base.csv"
    if which in ("base", "cur"):
        target = tmp_path / f"{which}.csv"
        if content == "DIR":
            target.unlink()
            target.mkdir()
        elif content == "MISSING":
            target.unlink()
        elif content == "SNAPSHOT":
            target.write_bytes(snapshot_bytes(tmp_path))
        else:
            target.write_bytes(content)
    elif which == "snap":
        (tmp_path / "hostile.pdsnap").write_bytes(content(snapshot_bytes(tmp_path)))
        baseline = "hostile.pdsnap"
    elif which == "both":
        header = ",".join(f"c{i}" for i in range(100_000))
        row = ",".join("1" for _ in range(100_000))
        (tmp_path / "base.csv").write_text(header + "\n" + (row + "\n") * 3)
        (tmp_path / "cur.csv").write_text(header + "\n" + (row + "\n") * 2)
    if name == "an all-NaN column":
        (tmp_path / "cur.csv").write_bytes(b"a,b,c\n" + b"".join(b"%r,%r,\n" % (a, b) for a, b in CUR))
    if name == "very long column names":
        expect = ("exit3", 'baseline column "' + "a" * 20)  # the current file lacks the long name
    r = run("monitor", "--baseline", baseline, "--current", "cur.csv", "--json", *EXTRA_ARGS.get(name, []),
            cwd=tmp_path)
    stderr = r.stderr.decode(errors="replace")
    if isinstance(expect, tuple):
        assert r.returncode == 3, (r.returncode, stderr)
        assert expect[1] in stderr, stderr
        assert len(stderr) < 4000, "the message stays readable"
        for path, data in kept.items():
            assert (tmp_path / path).read_bytes() == data, path
        return
    assert r.returncode in (0, 1, 2), stderr
    report = json.loads(r.stdout)
    assert len(stderr) < 4000, "notes stay readable"
    if name == "an all-NaN column":
        c = next(f for f in report["data_drift"]["features"] if f["name"] == "c")
        assert c["status"] == "insufficient_data"
    if expect == "same":
        assert feature_numbers(report) == feature_numbers(json.loads(clean.stdout))
