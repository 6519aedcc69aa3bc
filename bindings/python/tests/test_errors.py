"""One exception class per pdrift_status code."""
import pytest

import ploutos_drift as pdrift

EXPECTED = {
    -1: (pdrift.InvalidArgumentError, ValueError),
    -2: (pdrift.OutOfMemoryError, MemoryError),
    -3: (pdrift.StateError, RuntimeError),
    -4: (pdrift.BufferTooSmallError, pdrift.PdriftError),
    -5: (pdrift.PdriftIOError, OSError),
    -6: (pdrift.ParseError, ValueError),
    -7: (pdrift.ParameterError, LookupError),
    -8: (pdrift.OutOfRangeError, ValueError),
    -9: (pdrift.NumericalError, ArithmeticError),
    -10: (pdrift.DataError, ValueError),
    -11: (pdrift.SchemaError, ValueError),
    -12: (pdrift.SnapshotVersionError, ValueError),
    -13: (pdrift.CorruptSnapshotError, ValueError),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_status_has_its_exception(code):
    cls, builtin = EXPECTED[code]
    e = pdrift.error_for(code, "details here", "pdrift_something")
    assert type(e) is cls and isinstance(e, pdrift.PdriftError) and isinstance(e, builtin)
    assert e.code == code and e.code is pdrift.Status(code)
    assert e.strerror == pdrift._lib.strerror(code) != "unknown status code"
    assert (e.message, e.function) == ("details here", "pdrift_something")
    assert str(e) == "pdrift_something: details here (%s)" % e.strerror


def test_every_status_is_covered():
    assert {s.value for s in pdrift.Status if s != pdrift.Status.OK} == set(EXPECTED)


def test_unknown_status_from_a_newer_library():
    e = pdrift.error_for(-99, "", "pdrift_new_function")
    assert type(e) is pdrift.PdriftError and e.code == -99
    assert str(e) == "pdrift_new_function: unknown status code"
