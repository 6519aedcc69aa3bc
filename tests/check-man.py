#!/usr/bin/python3
"""The man pages (docs/man): stage them for installation, and check them.

  check-man.py stage SRC_DIR OUT_DIR VERSION
      OUT_DIR/man1, OUT_DIR/man3: every page of SRC_DIR with @VERSION@
      replaced, and a one-line `.so` page for every other name in a page's
      NAME section (pdrift_baseline_set.3 -> .so man3/pdrift_baseline_load.3).

  check-man.py check STAGE_DIR HEADER CC LIBDIR PDRIFT
      Fails, listing every problem, unless
      - every page renders with
            LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings=w -E UTF-8 -l PAGE
        with nothing on stderr: every groff warning (w), which includes those
        of `man --warnings` (mac); an alias is one `.so` line naming a page
        of the stage (one alias is rendered through man, to check the .so);
      - the roff source is ASCII, and code in it is escaped (\\- for a minus,
        \\(aq for a quote), so that it renders as code on every groff, not
        only Debian's (which maps - and ' to ASCII);
      - a section 3 page is at most 80 columns wide at MANWIDTH=80;
      - every PDRIFT_API function of HEADER has a page (its own or an alias);
      - every prototype of a SYNOPSIS is the header's own declaration (same
        types, names and parameter order), and each SYNOPSIS compiles after
        the header (a conflicting declaration is an error);
      - every example program (the .EX block after `.\\" example-program`) in
        a section 3 page compiles with the project's warnings as errors,
        links against LIBDIR's shared library and runs with exit status 0
        (arguments after the marker; files from `pdrift sample-data data`),
        and prints the `.\\" example-output` block that follows it;
      - pdrift.1 describes every option of PDRIFT's --help texts, and every
        option it describes exists;
      - every parameter name of the library (pdrift_param_name) appears in
        pdrift.1 and pdrift_config_new.3.
"""
import concurrent.futures
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile

ENV = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
WARN = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wconversion",
        "-Wstrict-prototypes", "-Werror"]


def pages_in(directory):
    return sorted(f for f in os.listdir(directory) if re.fullmatch(r"[\w.-]+\.[1-8]", f))


def name_section(src):
    """The names before \\- in the NAME section."""
    m = re.search(r"^\.SH NAME\n(.*?)\\-", src, re.M | re.S)
    if not m:
        return []
    return [n.strip().replace("\\", "") for n in m.group(1).replace("\n", " ").split(",") if n.strip()]


def stage(src_dir, final_dir, version):
    # built aside, then swapped in: a concurrent make (make -j check runs
    # install-test's make install) never sees half a stage
    out_dir = "%s.new.%d" % (final_dir, os.getpid())
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    real = {}
    for page in pages_in(src_dir):
        section = page.rsplit(".", 1)[1]
        with open(os.path.join(src_dir, page), encoding="utf-8") as f:
            text = f.read().replace("@VERSION@", version)
        os.makedirs(os.path.join(out_dir, "man" + section), exist_ok=True)
        with open(os.path.join(out_dir, "man" + section, page), "w", encoding="utf-8") as f:
            f.write(text)
        real[page] = (section, text)
    for page, (section, text) in real.items():
        for name in name_section(text):
            alias = "%s.%s" % (name, section)
            if alias == page or alias in real:
                continue
            with open(os.path.join(out_dir, "man" + section, alias), "w", encoding="utf-8") as f:
                f.write(".so man%s/%s\n" % (section, page))
    old = "%s.old.%d" % (final_dir, os.getpid())
    if os.path.isdir(final_dir):
        os.rename(final_dir, old)
    os.rename(out_dir, final_dir)
    if os.path.isdir(old):
        shutil.rmtree(old)
    return 0


def render(stage_dir, rel):
    p = subprocess.run(["man", "--warnings=w", "-E", "UTF-8", "-l", rel], cwd=stage_dir, env=ENV,
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def render_snippet(lines, tmp):
    """Text of roff lines in no-fill mode, as groff's man macros render
    them for a UTF-8 terminal (the macros and character mappings man
    uses), without the page's indentation."""
    src = ".TH SNIPPET 3\n.SH S\n.nf\n" + "\n".join(lines) + "\n.fi\n"
    p = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", "-ww"], input=src, capture_output=True,
                       text=True, env=ENV)
    body = p.stdout.split("\n")
    start = next(i for i, l in enumerate(body) if l.strip() == "S") + 1
    end = max(i for i, l in enumerate(body) if "SNIPPET(3)" in l)
    text = body[start:end]
    while text and not text[-1].strip():
        text.pop()
    while text and not text[0].strip():
        text.pop(0)
    return "\n".join(l[7:] if l.startswith("       ") else l.lstrip() for l in text) + "\n"


def section_lines(src, title):
    lines = src.split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if re.fullmatch(r'\.SH "?%s"?' % re.escape(title), l))
    except StopIteration:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH")), len(lines))
    return lines[start + 1:end]


def code_blocks(lines):
    """(index of .EX or .nf line, block lines) of every no-fill block."""
    blocks, i = [], 0
    while i < len(lines):
        if lines[i] in (".EX", ".nf"):
            close = ".EE" if lines[i] == ".EX" else ".fi"
            j = i + 1
            while j < len(lines) and lines[j] != close:
                j += 1
            blocks.append((i, lines[i + 1:j]))
            i = j
        i += 1
    return blocks


def marker_before(lines, index):
    """The `.\\" example-...` comment just before a block (skipping .in/.PP)."""
    k = index - 1
    while k >= 0 and (lines[k].startswith(".in") or lines[k] == ".PP"):
        k -= 1
    m = re.match(r'\.\\" (example-program|example-output)\b(.*)', lines[k]) if k >= 0 else None
    return (m.group(1), m.group(2).split()) if m else (None, [])


def lint_roff(page, src, fail):
    """Unescaped - ' ` in code, and option-like - in text."""
    lines = src.split("\n")
    in_code = False
    for n, line in enumerate(lines, 1):
        if any(ord(c) > 126 or (ord(c) < 32 and c != "\t") for c in line):
            fail("%s:%d: a character that is not printable ASCII: use a roff escape" % (page, n))
        if line in (".EX", ".nf"):
            in_code = True
            continue
        if line in (".EE", ".fi"):
            in_code = False
            continue
        if line.startswith('.\\"'):
            continue
        if line.startswith(".") and not in_code and not line.startswith((".B", ".I", ".R", ".TP", ".IP", ".SY", ".TQ")):
            continue
        body = re.sub(r"\\\(..|\\\[[^\]]*\]|\\[fF].|\\.", "", line)  # drop escapes
        if re.search(r"^[.']\\\|", line):
            fail("%s:%d: a line starting with '.' or ''' is a request" % (page, n))
        if in_code:
            if "-" in body:
                fail("%s:%d: '-' in code: write \\- (a minus, not a hyphen)" % (page, n))
            if "'" in body or "`" in body:
                fail("%s:%d: quote in code: write \\(aq or \\(ga" % (page, n))
        elif re.search(r"(^|[\s(\[|])-[-\w]", body):
            fail("%s:%d: option or minus written '-': write \\-" % (page, n))


def header_functions(header):
    with open(header, encoding="utf-8") as f:
        src = f.read()
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"//[^\n]*", " ", src)
    decls = {}
    for m in re.finditer(r"PDRIFT_API\s+([^;]*?)\b(pdrift_\w+)\s*\(([^;]*)\)\s*;", src):
        decls[m.group(2)] = normalize("%s %s(%s)" % (m.group(1), m.group(2), m.group(3)))
    return decls, src


def normalize(decl):
    toks = re.findall(r"[A-Za-z_]\w*|\S", decl)
    return " ".join(t for t in toks if t != "PDRIFT_API")


def check_synopsis(page, stage_file, src, decls, header, cc, tmp, fail, seen):
    lines = section_lines(src, "SYNOPSIS")
    code = []
    for _, block in code_blocks(lines):
        code.extend(block)
    if not code:
        fail("%s: SYNOPSIS has no .nf block" % page)
        return
    text = render_snippet(code, tmp)
    body = "\n".join(l for l in text.split("\n") if not l.startswith("#include"))
    for stmt in body.split(";"):
        m = re.search(r"\b(pdrift_\w+)\s*\(", stmt)
        if not m:
            continue
        name = m.group(1)
        if name not in decls:
            fail("%s: SYNOPSIS declares %s, which the header does not" % (page, name))
        elif normalize(stmt) != decls[name]:
            fail("%s: SYNOPSIS of %s differs from the header:\n    page:   %s\n    header: %s"
                 % (page, name, normalize(stmt), decls[name]))
        seen.setdefault(name, []).append(page)
    csrc = os.path.join(tmp, "synopsis.c")
    with open(csrc, "w", encoding="utf-8") as f:
        f.write("#include <ploutos_drift.h>\n" + text)
    p = subprocess.run([cc, "-fsyntax-only", "-I" + os.path.dirname(header)] + WARN + [csrc],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s: SYNOPSIS does not compile after the header:\n%s" % (page, p.stderr))


def check_examples(page, src, header, cc, libdir, data_dir, tmp, fail):
    lines = src.split("\n")
    ran = None
    count = 0
    for index, block in code_blocks(lines):
        kind, args = marker_before(lines, index)
        if kind == "example-program":
            count += 1
            text = render_snippet(block, tmp)
            csrc = os.path.join(tmp, "example.c")
            exe = os.path.join(tmp, "example")
            with open(csrc, "w", encoding="utf-8") as f:
                f.write(text)
            p = subprocess.run([cc] + WARN + ["-I" + os.path.dirname(header), "-o", exe, csrc, "-L" + libdir,
                               "-lploutosdrift", "-Wl,-rpath," + os.path.abspath(libdir), "-lm"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                fail("%s: example program %d does not build:\n%s" % (page, count, p.stderr))
                ran = None
                continue
            r = subprocess.run([exe] + args, cwd=data_dir, capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                fail("%s: example program %d exited %d: %s" % (page, count, r.returncode, r.stderr.strip()))
            ran = r.stdout
        elif kind == "example-output":
            expected = render_snippet(block, tmp)
            if ran is None:
                fail("%s: example-output with no example program before it" % page)
            elif ran != expected:
                fail("%s: example program %d printed\n%s\ninstead of\n%s" % (page, count, ran, expected))
    return count


def check_cli(pdrift, src, fail):
    helps = ""
    for args in (["--help"], ["monitor", "--help"], ["baseline", "--help"], ["summary", "--help"]):
        p = subprocess.run([pdrift] + args, capture_output=True, text=True)
        helps += p.stdout
    in_help = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", helps))
    text = src.replace("\\-", "-")
    in_page = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", text))
    for opt in sorted(in_help - in_page):
        fail("pdrift.1: option %s of pdrift's --help is not described" % opt)
    # -h: accepted beside --help, not in the help texts; the others belong to
    # programs quoted in the examples (jq -r, mail -s, sh -c)
    foreign = {"-h", "-r", "-s", "-c"}
    for opt in sorted(in_page - in_help - foreign):
        fail("pdrift.1: describes %s, which no pdrift --help mentions" % opt)


def check_params(libpath, header_src, pages, fail):
    lib = ctypes.CDLL(libpath)
    lib.pdrift_param_name.restype = ctypes.c_char_p
    lib.pdrift_param_name.argtypes = [ctypes.c_int]
    body = re.search(r"typedef enum pdrift_param \{(.*?)\} pdrift_param;", header_src, re.S).group(1)
    names = []
    for enumerator, value in re.findall(r"(PDRIFT_PARAM_\w+)\s*=\s*(\d+)", body):
        name = lib.pdrift_param_name(int(value))
        if name is None:
            fail("%s = %s has no name in the library" % (enumerator, value))
            continue
        names.append(name.decode())
    for page, src in pages.items():
        text = src.replace("\\-", "-").replace("\\", "")
        for name in names:
            if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(name), text):
                fail("%s: parameter %s is not described" % (page, name))
    return len(names)


# Where each public enumeration is described, value by value.
ENUM_PAGES = {
    "pdrift_status": "pdrift_strerror.3",
    "pdrift_ks_method": "pdrift_ks_2samp.3",
    "pdrift_level": "pdrift_addm.3",
    "pdrift_sensitivity": "pdrift_config_new.3",
    "pdrift_nan_policy": "pdrift_config_new.3",
    "pdrift_correction": "pdrift_config_new.3",
    "pdrift_binning": "pdrift_config_new.3",
    "pdrift_empty_bins": "pdrift_config_new.3",
    "pdrift_param": "pdrift_config_new.3",
    "pdrift_addm_rule": "pdrift_config_new.3",
    "pdrift_param_type": "pdrift_config_new.3",
    "pdrift_severity": "pdrift_result_get.3",
    "pdrift_action": "pdrift_result_get.3",
    "pdrift_drift_type": "pdrift_result_get.3",
    "pdrift_feature_status": "pdrift_result_get.3",
    "pdrift_result_key": "pdrift_result_get.3",
    "pdrift_check_status": "pdrift_result_get.3",
    "pdrift_feature_key": "pdrift_result_get.3",
}


def check_enums(header_src, real, fail):
    """Every enumerator is named on its page: in full, or as _SUFFIX after
    a first one that spells the family out (PDRIFT_RESULT_N_FEATURES,
    _N_DRIFTED)."""
    count = 0
    for name, body in re.findall(r"typedef enum (\w+) \{(.*?)\} \1;", header_src, re.S):
        values = re.findall(r"\b(PDRIFT_\w+)\s*=", body)
        page = ENUM_PAGES.get(name)
        if page is None:
            fail("enum %s is described on no page (add it to ENUM_PAGES in tests/check-man.py)" % name)
            continue
        text = real.get(page, "").replace("\\-", "-").replace("\\", "")
        family = os.path.commonprefix(values)
        family = family[:family.rfind("_") + 1]
        for v in values:
            count += 1
            short = v[len(family) - 1:] if len(family) > len("PDRIFT_") else None
            if not re.search(r"(?<!\w)%s(?!\w)" % v, text) and \
                    not (short and re.search(r"(?<![\w])%s(?!\w)" % re.escape(short), text)):
                fail("%s: %s (enum %s) is not described" % (page, v, name))
    return count


def check(stage_dir, header, cc, libdir, pdrift):
    problems = []
    fail = problems.append
    decls, header_src = header_functions(header)
    tmp = tempfile.mkdtemp(prefix="check-man.")
    data_dir = os.path.join(tmp, "run")
    os.makedirs(data_dir)
    try:
        subprocess.run([os.path.abspath(pdrift), "sample-data", "data"], cwd=data_dir, check=True,
                       capture_output=True)
        real, aliases, seen = {}, [], {}
        for sub in sorted(os.listdir(stage_dir)):
            if not sub.startswith("man"):
                continue
            for page in pages_in(os.path.join(stage_dir, sub)):
                rel = os.path.join(sub, page)
                with open(os.path.join(stage_dir, rel), encoding="utf-8") as f:
                    src = f.read()
                if src.startswith(".so "):
                    aliases.append((rel, src))
                else:
                    real[page] = src

        def check_page(page):
            """Everything about one page; returns its example count."""
            src = real[page]
            rel = "man%s/%s" % (page.rsplit(".", 1)[1], page)
            work = tempfile.mkdtemp(dir=tmp)
            rc, out, err = render(stage_dir, rel)
            if rc != 0 or err.strip() or not out.strip():
                fail("%s: man --warnings=w -l printed warnings (status %d):\n%s" % (rel, rc, err))
            lint_roff(page, src, fail)
            if not page.endswith(".3"):
                return 0
            for bad in re.findall(r"^.{81,}$", out, re.M):
                fail("%s: a line wider than 80 columns: %s" % (page, bad.strip()))
            if page != "libploutosdrift.3":
                check_synopsis(page, rel, src, decls, header, cc, work, fail, seen)
            return check_examples(page, src, header, cc, libdir, data_dir, work, fail)

        # two at a time: the machine has two cores, and most of the time is
        # spent in man, groff and the compiler
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            n_examples = sum(pool.map(check_page, sorted(real)))
        for rel, src in aliases:
            m = re.fullmatch(r"\.so (man\d/[\w.-]+)\n", src)
            if not m or os.path.basename(m.group(1)) not in real:
                fail("%s: not one .so line naming a page: %r" % (rel, src))
        if aliases:
            rc, out, err = render(stage_dir, aliases[0][0])
            if rc != 0 or err.strip() or "SYNOPSIS" not in out:
                fail("%s: the alias does not render through man (status %d): %s" % (aliases[0][0], rc, err))
        aliases = [os.path.basename(rel) for rel, _ in aliases]
        names = {p.rsplit(".", 1)[0] for p in list(real) + aliases if p.endswith(".3")}
        for fn in sorted(decls):
            if fn not in names:
                fail("%s has no man page (add it to the NAME of a page)" % fn)
            elif fn not in seen:
                fail("%s is in no SYNOPSIS" % fn)
        if "pdrift.1" not in real:
            fail("no pdrift.1")
        else:
            check_cli(pdrift, real["pdrift.1"], fail)
        n_enums = check_enums(header_src, real, fail)
        libpath = os.path.join(libdir, "libploutosdrift.so")
        n_params = check_params(libpath, header_src, {p: real[p] for p in ("pdrift.1", "pdrift_config_new.3")
                                                       if p in real}, fail)
    finally:
        shutil.rmtree(tmp)
    for p in sorted(problems):
        print("check-man: " + p)
    if problems:
        print("check-man: %d problem(s)" % len(problems))
        return 1
    print("check-man: %d pages and %d aliases render cleanly; %d functions documented and their "
          "synopses match the header; %d example programs built, ran and printed what the pages say; "
          "%d parameters and %d enumerators described" % (len(real), len(aliases), len(decls), n_examples,
                                                  n_params, n_enums))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "stage":
        return stage(argv[2], argv[3], argv[4])
    if len(argv) == 7 and argv[1] == "check":
        return check(*argv[2:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
