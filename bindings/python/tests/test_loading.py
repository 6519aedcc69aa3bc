"""Loading the library: PDRIFT_LIBRARY, the soname, the major version, and
the ctypes prototypes against the header."""
import os
import re
import subprocess
import sys

import pytest

import ploutos_drift as pdrift
from ploutos_drift import _lib
from conftest import BINDING, REPO


def run_python(code, **env_changes):
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_library_version_has_the_binding_major():
    number = pdrift.library_version_number()
    assert number // 10000 == pdrift.PDRIFT_VERSION_MAJOR == 1
    assert pdrift.library_version() == "%d.%d.%d" % (number // 10000, number // 100 % 100, number % 100)


def test_other_major_versions_are_refused():
    _lib.check_version(10203, "x")
    with pytest.raises(ImportError, match=r"x is libploutosdrift 2\.0\.1, but this binding needs major version 1"):
        _lib.check_version(20001, "x")
    with pytest.raises(ImportError, match="0.99.0"):
        _lib.check_version(9900, "x")


def test_bad_pdrift_library_names_the_path():
    p = run_python("import ploutos_drift", PDRIFT_LIBRARY="/nonexistent/libploutosdrift.so.1")
    assert p.returncode != 0
    assert "ImportError: ploutos_drift: cannot load PDRIFT_LIBRARY=/nonexistent/libploutosdrift.so.1" in p.stderr


def test_missing_library_names_both_ways_to_find_it():
    probe = run_python("import ctypes; ctypes.CDLL('libploutosdrift.so.1')",
                       PDRIFT_LIBRARY=None, LD_LIBRARY_PATH=None)
    if probe.returncode == 0:
        pytest.skip("libploutosdrift.so.1 is installed on the loader's path")
    p = run_python("import ploutos_drift", PDRIFT_LIBRARY=None, LD_LIBRARY_PATH=None)
    assert p.returncode != 0
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ploutos_drift: libploutosdrift not found")
    assert "PDRIFT_LIBRARY" in last and "libploutosdrift.so.1" in last


def header_prototypes():
    """name -> number of parameters, for every PDRIFT_API function of the header."""
    text = (REPO / "include" / "ploutos_drift.h").read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    found = {}
    for name, params in re.findall(r"PDRIFT_API[^;(]*?\b(pdrift_\w+)\s*\(([^)]*)\)\s*;", text):
        params = params.strip()
        found[name] = 0 if params in ("", "void") else params.count(",") + 1
    return found


def test_every_bound_function_matches_the_header():
    header = header_prototypes()
    assert len(header) > 50
    declared = dict(_lib._PROTOTYPES)
    if "pdrift_baseline_save" in header:
        declared.update(_lib._OPTIONAL_PROTOTYPES)
    for name, (restype, argtypes) in declared.items():
        assert name in header, name
        assert len(argtypes) == header[name], name
        fn = _lib.optional_function(name) if name in _lib._OPTIONAL_PROTOTYPES else getattr(_lib.lib, name)
        assert fn.argtypes is not None and len(fn.argtypes) == header[name], name
        assert fn.restype is restype, name
