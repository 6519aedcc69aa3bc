"""tests/check-doc.py finds what it must: each test damages a copy of the
real header (never the header itself) in one way and expects the checker to
fail naming that symbol; the real header passes."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check-doc.py")
HEADER = os.path.join(HERE, os.pardir, "include", "ploutos_drift.h")


def run(tmp_path, text):
    path = tmp_path / "ploutos_drift.h"
    path.write_text(text, encoding="utf-8")
    p = subprocess.run([sys.executable, CHECKER, str(path)], capture_output=True, text=True)
    return p.returncode, p.stdout


def header():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def test_the_real_header_passes(tmp_path):
    rc, out = run(tmp_path, header())
    assert rc == 0, out
    assert "every public symbol" in out


def test_an_undocumented_function_fails(tmp_path):
    text = header().replace("#ifdef __cplusplus\n}\n#endif",
                            "PDRIFT_API int pdrift_undocumented(int x);\n\n#ifdef __cplusplus\n}\n#endif")
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert "function pdrift_undocumented is not documented" in out


def test_a_function_stripped_of_its_comment_fails(tmp_path):
    text = header()
    decl = text.index("PDRIFT_API int pdrift_detect(")
    start = text.rindex("/**", 0, decl)
    text = text[:start] + text[text.index("*/", start) + 2:]
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert re.search(r"function pdrift_detect is not documented", out), out
    assert out.count("not documented") == 1, out


def test_a_missing_param_fails(tmp_path):
    text, n = re.subn(r"\n \* @param cfg [^\n]*", "", header())
    assert n == 1
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert "parameter cfg of pdrift_monitor_new has no @param" in out


def test_a_stale_param_fails(tmp_path):
    text = header().replace("@param cfg ", "@param config ", 1)
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert "@param config of pdrift_monitor_new names no parameter" in out
    assert "parameter cfg of pdrift_monitor_new has no @param" in out


def test_a_missing_return_fails(tmp_path):
    text = header()
    decl = text.index("PDRIFT_API int pdrift_report_json(")
    start = text.rindex("/**", 0, decl)
    comment = text[start:decl]
    stripped = re.sub(r" \* @return.*?(?= \*/)", "", comment, flags=re.S)
    assert stripped != comment
    rc, out = run(tmp_path, text[:start] + stripped + text[decl:])
    assert rc == 1
    assert "function pdrift_report_json returns int but has no @return" in out


def test_an_undocumented_enumerator_fails(tmp_path):
    text, n = re.subn(r"(typedef enum pdrift_param \{\n)", r"\1    PDRIFT_PARAM_UNDOCUMENTED = 9999,\n", header())
    assert n == 1
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert "enumerator PDRIFT_PARAM_UNDOCUMENTED is not documented" in out


def test_an_undocumented_macro_and_typedef_fail(tmp_path):
    text = header().replace("#ifdef __cplusplus\n}\n#endif",
                            "#define PDRIFT_NEW_LIMIT 10\ntypedef struct pdrift_thing pdrift_thing;\n"
                            "\n#ifdef __cplusplus\n}\n#endif")
    rc, out = run(tmp_path, text)
    assert rc == 1
    assert "macro PDRIFT_NEW_LIMIT is not documented" in out
    assert "typedef pdrift_thing is not documented" in out


def test_trailing_and_leading_comments_document(tmp_path):
    small = """/** @file x.h
 * @brief a test header */
/** A limit. */
#define PDRIFT_LIMIT 3
/** Kinds. */
typedef enum pdrift_kind {
    PDRIFT_KIND_A = 0, /**< a */
    /** b */
    PDRIFT_KIND_B = 1,
    PDRIFT_KIND_C = 2  /**< c, the last without a comma */
} pdrift_kind;
/**
 * Add.
 * @param x, y   the terms
 * @param[out] out the sum
 * @return 0
 */
PDRIFT_API int pdrift_add(int x, int y, int *out);
/** Nothing. @param p a pointer */
PDRIFT_API void pdrift_nothing(void *p);
"""
    rc, out = run(tmp_path, small)
    assert rc == 0, out
    assert "1 macros, 1 typedefs, 3 enumerators, 2 functions, 4 parameters" in out
    rc, out = run(tmp_path, small.replace("    PDRIFT_KIND_B = 1,", "    PDRIFT_KIND_B = 1, /* plain */")
                  .replace("    /** b */\n", ""))
    assert rc == 1
    assert "enumerator PDRIFT_KIND_B is not documented" in out
    assert "PDRIFT_KIND_C" not in out
