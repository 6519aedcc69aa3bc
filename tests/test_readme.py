"""README.md, run: every fenced block of the README is executed as a new user would.

Run by `make check-readme` (part of `make check`). The blocks run in order, as one terminal
session, in a copy of the source tree (the files `git ls-files` lists, tracked or new) that
reuses the outputs of the build in $README_BUILD, so `make` there finds everything up to date;
$HOME is a fresh folder inside the copy, so `make install PREFIX=$HOME/.local` installs there.

How each block is run, by its info string:

* ``sh`` — a bash script (`set -e -o pipefail`) in the session's folder and environment; the
  environment and folder it leaves are those of the next block, as in a terminal.
* ``c`` — its first line is a comment naming the file (`/* drift_check.c ... */`); the block is
  saved under that name, must compile warning-free under -std=c11 -Wall -Wextra -Wpedantic
  -Wconversion, and a later ``sh`` block must build it.
* ``python`` — run with $PYTHON (Debian's python3, which has numpy) in the session.
* ``crontab`` — every entry is parsed (five time fields, each checked against cron's ranges, then
  a command with no bare %); the command's `pdrift` invocation is then run with the same flags in
  the session's folder (the `cd` target), absolute paths moved under a scratch root.

A block with another info string, or none, fails the test. The only block that may be skipped
is the one that runs `make check` itself, marked by the comment
`<!-- readme-test: skip (this is the test command itself) -->` just before it; the skip is
reported by pytest (-rs). Prose claims of the form "prints `X`" (`...` stands for any text) are
checked against the output of the last block that ran before them.

The C and Python examples are also compared with `pdrift monitor --json` on the same files, right
after the block that runs them (later blocks uninstall the library).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
BUILD = os.environ.get("README_BUILD")
PYTHON = os.environ.get("PYTHON", "/usr/bin/python3")
SKIP_REASON = "this is the test command itself"
KNOWN_LANGUAGES = ("sh", "c", "python", "crontab")
BLOCK_TIMEOUT = 300

# Outputs of a build that `make` needs to consider the copy up to date (B=build).
BUILD_KEEP = ("obj", "examples", "pdrift")


# ---- the README's blocks --------------------------------------------------------------------

class Block:
    def __init__(self, index, line, language, text, directive, prose_after):
        self.index, self.line, self.language, self.text = index, line, language, text
        self.directive, self.prose_after = directive, prose_after

    def __repr__(self):
        return f"block {self.index} (README.md line {self.line}, {self.language or 'no language'})"


def parse_readme(path=README):
    """Fenced blocks with their line, info string, text, the directive comment right before
    them (or None) and the prose that follows them up to the next block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, i, prose_start = [], 0, 0
    while i < len(lines):
        fence = re.match(r"^(```+|~~~+)\s*([^\s`]*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        marker, language = fence.group(1), fence.group(2)
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(marker):
            body.append(lines[i])
            i += 1
        assert i < len(lines), f"README.md line {start + 1}: fenced block never closed"
        before = "\n".join(lines[prose_start:start]).rstrip()
        directive = re.search(r"<!--\s*readme-test:(.*?)-->\s*\Z", before, re.S)
        if blocks:
            blocks[-1].prose_after = "\n".join(lines[prose_start:start])
        blocks.append(Block(len(blocks), start + 1, language, "\n".join(body) + "\n",
                            directive.group(1).strip() if directive else None, ""))
        i += 1
        prose_start = i
    if blocks:
        blocks[-1].prose_after = "\n".join(lines[prose_start:])
    return blocks


BLOCKS = parse_readme()


def claims(index):
    """What the prose after a block says it prints ("prints `X`"), including the prose after
    the skipped blocks that follow it: a claim is about the last block that ran."""
    found = []
    for block in BLOCKS[index:]:
        if block.index > index and block.directive is None:
            break
        found += re.findall(r"prints\s+`([^`]+)`", block.prose_after)
    return found


def claim_holds(claim, output):
    """The output holds the claim's text, "..." standing for any text."""
    position = 0
    for part in (p.strip() for p in claim.split("...")):
        if part:
            found = output.find(part, position)
            if found < 0:
                return False
            position = found + len(part)
    return True


# ---- the session: a copy of the tree, one environment, one folder ---------------------------

def source_files():
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True, timeout=60)
        names = [n for n in out.stdout.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for top, dirs, files in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in (".git", "__pycache__") and
                       not (top == ROOT and (d == "build" or d.startswith("build-")))]
            names += [os.path.relpath(os.path.join(top, f), ROOT) for f in files]
    return [n for n in names if os.path.lexists(os.path.join(ROOT, n))]


def copy_tree(dest):
    for name in source_files():
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), target, follow_symlinks=False)  # keeps mtimes


def copy_build(dest):
    """The build's library, objects, examples and CLI, times kept: make sees them current."""
    if not BUILD or not os.path.isdir(BUILD):
        return False
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(BUILD):
        source = os.path.join(BUILD, name)
        if name in BUILD_KEEP or name.startswith("libploutosdrift."):
            if os.path.isdir(source) and not os.path.islink(source):
                shutil.copytree(source, os.path.join(dest, name), symlinks=True)
            else:
                shutil.copy2(source, os.path.join(dest, name), follow_symlinks=False)
    return True


def session_environment(top, home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "PDRIFT", "README_")) and
           k not in ("MFLAGS", "B", "CFLAGS", "LDFLAGS", "PYTHONPATH", "LD_LIBRARY_PATH",
                     "PKG_CONFIG_PATH", "OLDPWD")}
    tools = os.path.join(top, "tools")
    os.makedirs(tools)
    os.symlink(PYTHON, os.path.join(tools, "python3"))  # the python3 with numpy, first on PATH
    env.update(HOME=home, PATH=tools + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
               LC_ALL="C.UTF-8")
    return env


class Session:
    def __init__(self):
        self.top = tempfile.mkdtemp(prefix="readme-test-")
        self.cwd = os.path.join(self.top, "ploutos-drift")
        self.home = os.path.join(self.cwd, ".home")
        copy_tree(self.cwd)
        self.build_reused = copy_build(os.path.join(self.cwd, "build"))
        os.makedirs(self.home)
        self.env = session_environment(self.top, self.home)
        self.results = {}           # block index -> (status, output) or ("skip", reason)
        self.saved_c = {}           # file name -> block
        self.cron_runs = []         # what the crontab entries did
        self.c_checks = {}          # C file name -> its program's run, compared with the CLI
        self.python_checks = []     # (files, output, the CLI's report on those files)
        self.failed = None

    def close(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def which(self, program):
        return shutil.which(program, path=self.env["PATH"])

    # -- one block of each kind --

    def run_sh(self, block):
        state = os.path.join(self.top, "state")
        script = os.path.join(self.top, f"block{block.index}.sh")
        with open(script, "w") as f:
            f.write("set -e -o pipefail\n" + block.text)
        wrapper = (f'source {shlex.quote(script)}\n'
                   f'env -0 > {shlex.quote(state)}.env\npwd > {shlex.quote(state)}.cwd\n')
        proc = subprocess.run(["bash", "-c", wrapper], cwd=self.cwd, env=self.env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=BLOCK_TIMEOUT)
        if proc.returncode == 0:
            with open(state + ".env", "rb") as f:
                pairs = [p.split(b"=", 1) for p in f.read().split(b"\0") if b"=" in p]
            self.env = {k.decode(): v.decode() for k, v in pairs if k not in (b"_", b"SHLVL", b"PWD")}
            with open(state + ".cwd") as f:
                self.cwd = f.read().strip()
        return proc.returncode, proc.stdout

    def run_c(self, block):
        first = block.text.split("\n", 1)[0]
        name = re.match(r"^\s*(?:/\*|//)\s*([\w.-]+\.c)\b", first)
        if not name:
            return 1, f"{block}: the first line must be a comment naming the file, e.g. /* x.c */"
        path = os.path.join(self.cwd, name.group(1))
        with open(path, "w") as f:
            f.write(block.text)
        self.saved_c[name.group(1)] = block
        # Warning-free under strict flags, against the source tree's header.
        proc = subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow",
                               "-Wconversion", "-Wstrict-prototypes", "-Werror", "-fsyntax-only",
                               "-I", os.path.join(self.cwd, "include"), path],
                              env=self.env, capture_output=True, text=True, timeout=60)
        return proc.returncode, f"saved as {name.group(1)}\n" + proc.stdout + proc.stderr

    def run_python(self, block):
        proc = subprocess.run([PYTHON, "-"], input=block.text, cwd=self.cwd, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=BLOCK_TIMEOUT)
        return proc.returncode, proc.stdout

    def run_crontab(self, block):
        entries, variables = parse_crontab(block.text)
        if not entries:
            return 1, f"{block}: no crontab entry"
        out = []
        for fields, command in entries:
            run = self.run_cron_command(command, variables)
            self.cron_runs.append(run)
            out.append(f"{' '.join(fields)}: {shlex.join(run['argv'])} -> exit {run['status']}")
            if run["status"] not in (0, 1, 2):
                return 1, "\n".join(out) + "\n" + run["log"]
        return 0, "\n".join(out) + "\n"

    def run_cron_command(self, command, variables):
        """Run an entry's `cd DIR && .../pdrift ... >> LOG 2>&1` in the session: DIR is the
        session's folder, the pdrift is the one on the session's PATH, and every other absolute
        path is moved under a scratch root."""
        scratch = os.path.join(self.top, "cron-root")
        segments = [s.strip() for s in command.split("&&")]
        folder = self.cwd
        invocation = None
        for segment in segments:
            words = shlex.split(segment)
            if words[0] == "cd":
                assert len(words) == 2 and words[1].startswith("/"), \
                    f"cron entries should cd to an absolute folder: {segment!r}"
                continue
            assert os.path.basename(words[0]) == "pdrift", f"unexpected command in cron: {segment!r}"
            assert words[0].startswith("/"), f"cron has no login PATH: give pdrift's full path ({words[0]})"
            invocation = words
        assert invocation, f"no pdrift invocation in {command!r}"
        argv, log, redirect = [self.which("pdrift")], None, None
        words = invocation[1:]
        i = 0
        while i < len(words):
            w = words[i]
            if w in (">>", ">"):
                redirect, log = w, words[i + 1]
                i += 2
                continue
            if w == "2>&1":
                i += 1
                continue
            if w.startswith("/"):
                w = scratch + w
                os.makedirs(os.path.dirname(w), exist_ok=True)
            argv.append(w)
            i += 1
        assert argv[0], "pdrift is not on the session's PATH"
        env = dict(self.env, **variables)
        log_path = os.path.join(folder, log) if log else os.devnull
        history = os.path.join(folder, "reports", "drift_report.json")
        before = read_total_checks(history)
        with open(log_path, "a" if redirect == ">>" else "w") as out:
            status = subprocess.run(argv, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, timeout=BLOCK_TIMEOUT).returncode
        with open(log_path) as f:
            text = f.read()
        return {"argv": argv, "status": status, "log": text, "log_path": log_path,
                "checks_before": before, "checks_after": read_total_checks(history),
                "scratch": scratch, "folder": folder}

    # -- in order --

    def run_through(self, index):
        for block in BLOCKS[:index + 1]:
            if block.index in self.results:
                continue
            if self.failed is not None:
                self.results[block.index] = ("after-failure", f"{BLOCKS[self.failed]} failed")
                continue
            if block.directive == f"skip ({SKIP_REASON})":
                self.results[block.index] = ("skip", block.directive)
                continue
            runner = {"sh": self.run_sh, "c": self.run_c, "python": self.run_python,
                      "crontab": self.run_crontab}.get(block.language)
            if block.directive is not None:
                status, output = 1, (f"{block}: unknown directive {block.directive!r}; the only one "
                                     f"allowed is 'skip ({SKIP_REASON})'")
            elif runner is None:
                status, output = 1, (f"{block}: no way to run a block of language "
                                     f"{block.language!r}; known: {', '.join(KNOWN_LANGUAGES)}")
            else:
                try:
                    status, output = runner(block)
                except (AssertionError, ValueError, OSError, subprocess.SubprocessError) as e:
                    status, output = 1, f"{block}: {type(e).__name__}: {e}"
            self.results[block.index] = (status, output)
            if status != 0:
                self.failed = block.index
            else:
                self.after_block(block, output)
        return self.results[index]

    def after_block(self, block, output):
        """Compare the examples with the CLI while the installed library is there."""
        if block.language == "sh":
            for name in self.saved_c:
                program = os.path.splitext(name)[0]
                run = re.search(rf"\./{re.escape(program)}\s+(\S+)\s+(\S+)", block.text)
                if run and name not in self.c_checks:
                    self.c_checks[name] = self.check_c_program(program, run.groups(), output)
        if block.language == "python":
            files = re.findall(r'load_(?:baseline|observations)\("([^"]+)"\)', block.text)
            self.python_checks.append((files, output, self.cli_verdict(*files) if len(files) == 2 else None))

    def cli_verdict(self, baseline, current):
        """The CLI's report on the same files, for comparison."""
        report_dir = os.path.join(self.top, "cli-verdict")
        proc = subprocess.run([self.which("pdrift"), "monitor", "--json", "--report-dir", report_dir,
                               "--log", "", "--baseline", baseline, "--current", current],
                              cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=120)
        assert proc.returncode in (0, 1, 2), proc.stderr
        return json.loads(proc.stdout)

    def check_c_program(self, program, files, output):
        binary = os.path.join(self.cwd, program)
        ldd = subprocess.run(["ldd", binary], env=self.env, capture_output=True, text=True).stdout
        bad = subprocess.run([binary, "no-such-file.csv", files[1]], cwd=self.cwd, env=self.env,
                             capture_output=True, text=True, timeout=60)
        return {"files": files, "output": output, "report": self.cli_verdict(*files), "ldd": ldd,
                "bad_status": bad.returncode, "bad_stderr": bad.stderr}


def read_total_checks(history):
    try:
        with open(history) as f:
            return json.load(f)["summary"]["total_checks"]
    except (OSError, ValueError, KeyError):
        return 0


# ---- crontab syntax -----------------------------------------------------------------------

CRON_FIELDS = (("minute", 0, 59, None), ("hour", 0, 23, None), ("day of month", 1, 31, None),
               ("month", 1, 12, "jan feb mar apr may jun jul aug sep oct nov dec".split()),
               ("day of week", 0, 7, "sun mon tue wed thu fri sat".split()))


def cron_value(text, lo, names, what):
    if text.isdigit():
        return int(text)
    if names and text.lower() in names:
        return names.index(text.lower()) + lo
    raise ValueError(f"{what}: {text!r} is not a number")


def check_cron_field(text, what, lo, hi, names):
    """Raise ValueError unless text is a valid cron field: items separated by commas, each
    *, N, N-M, optionally /STEP, within [lo, hi]."""
    for item in text.split(","):
        base, _, step = item.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            raise ValueError(f"{what}: bad step in {item!r}")
        if base == "*":
            continue
        first, dash, last = base.partition("-")
        a = cron_value(first, lo, names, what)
        b = cron_value(last, lo, names, what) if dash else a
        if not (lo <= a <= hi and lo <= b <= hi) or a > b:
            raise ValueError(f"{what}: {item!r} outside {lo}-{hi}")
        if step and not dash:
            raise ValueError(f"{what}: a step needs * or a range: {item!r}")


def parse_crontab(text):
    """([(five fields, command)], {variable: value}); ValueError on a malformed line."""
    entries, variables = [], {}
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", stripped)
        if assignment:
            variables[assignment.group(1)] = assignment.group(2).strip("'\"")
            continue
        parts = stripped.split(None, 5)
        if len(parts) < 6:
            raise ValueError(f"crontab line {number}: five time fields and a command expected")
        for field, (what, lo, hi, names) in zip(parts[:5], CRON_FIELDS):
            check_cron_field(field, what, lo, hi, names)
        command = parts[5]
        if re.search(r"(?<!\\)%", command):
            raise ValueError(f"crontab line {number}: a bare % ends the command in cron")
        entries.append((parts[:5], command))
    return entries, variables


# ---- the tests ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def session():
    s = Session()
    yield s
    s.close()


def test_the_readme_has_blocks_of_every_kind():
    languages = {b.language for b in BLOCKS}
    assert {"sh", "c", "python", "crontab"} <= languages, languages
    assert BLOCKS[0].language == "sh" and "make demo" in BLOCKS[0].text, \
        "the README opens with make demo"
    assert any("make check" in b.text for b in BLOCKS[:2]), "make check comes right after"


def test_only_the_make_check_block_is_skipped():
    skipped = [b for b in BLOCKS if b.directive is not None]
    for b in skipped:
        print(f"README skip: {b}: {b.directive}")
    assert [b.directive for b in skipped] == [f"skip ({SKIP_REASON})"], \
        "the only allowed directive is the skip of the block that runs make check"
    assert re.search(r"^\s*make check\b", skipped[0].text, re.M), skipped[0].text


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"block{b.index}-line{b.line}-{b.language}"
                                                          for b in BLOCKS])
def test_block(session, index):
    block = BLOCKS[index]
    status, output = session.run_through(index)
    if status == "skip":
        pytest.skip(f"{block}: {output}")
    assert status == 0, f"{block} failed (status {status}):\n{block.text}\n--- output ---\n{output}"
    for claim in claims(index):
        assert claim_holds(claim, output), \
            f"the README says the block at line {block.line} prints {claim!r}; it printed:\n{output}"


def all_blocks_ran(session):
    session.run_through(len(BLOCKS) - 1)
    if session.failed is not None:
        pytest.fail(f"{BLOCKS[session.failed]} failed; see test_block")


def test_the_c_example_was_built_and_agrees_with_the_cli(session):
    all_blocks_ran(session)
    assert session.saved_c, "no C example"
    for name in session.saved_c:
        builders = [b for b in BLOCKS if b.language == "sh" and name in b.text and "cc " in b.text]
        assert builders, f"no shell block compiles {name}"
        assert "pkg-config --cflags --libs ploutosdrift" in builders[0].text, \
            f"{name} should be built through pkg-config"
        assert name in session.c_checks, f"no shell block runs the program built from {name}"
        check = session.c_checks[name]
        report = check["report"]
        # The README's own run printed the CLI's action and first recommendation.
        assert f"{report['action']}: {report['recommendations'][0]}\n" in check["output"], check["output"]
        # Linked against the installed library, not the build tree's.
        assert os.path.join(session.home, ".local", "lib", "libploutosdrift.so.1") in check["ldd"], check["ldd"]
        # An unreadable file: exit 3, the file named.
        assert check["bad_status"] == 3 and "no-such-file.csv" in check["bad_stderr"], check["bad_stderr"]


def test_the_python_example_agrees_with_the_cli(session):
    all_blocks_ran(session)
    assert len(session.python_checks) == 1, "one Python example, loading a baseline and a window"
    files, output, report = session.python_checks[0]
    assert report is not None, f"the Python example should load two files: {files}"
    assert output == f"{report['severity']} {report['action']} {report['data_drift']['drifted_features']}\n"


def test_the_crontab_entries_ran_the_check(session):
    all_blocks_ran(session)
    assert session.cron_runs, "no crontab entry was run"
    for run in session.cron_runs:
        assert run["status"] in (0, 1, 2), run["log"]
        assert run["checks_after"] == run["checks_before"] + 1, "the run was not recorded in the history"
        assert "error" not in run["log"].lower(), run["log"]
        argv = run["argv"]
        for flag in ("--prometheus", "--plot"):
            if flag in argv:
                target = argv[argv.index(flag) + 1]
                path = target if os.path.isabs(target) else os.path.join(run["folder"], target)
                assert os.path.getsize(path) > 0, f"{flag} {target} not written"


def test_crontab_fields_are_checked():
    """The parser used above rejects what cron would not run as intended."""
    good = "0 */6 * * * cd /srv && /usr/local/bin/pdrift monitor --quiet\n"
    assert parse_crontab(good)[0][0][0] == ["0", "*/6", "*", "*", "*"]
    for bad in ("60 * * * * x", "0 24 * * * x", "0 0 0 * * x", "0 0 * 13 * x", "0 0 * * 8 x",
                "5-1 * * * * x", "*/0 * * * * x", "0 0 * * * date +%F", "0 */6 * * x"):
        with pytest.raises(ValueError):
            parse_crontab(bad)
    assert parse_crontab("30 8 * jan-mar mon-fri date +\\%F")[0][0][0][3] == "jan-mar"


def test_the_uninstall_leaves_nothing(session):
    all_blocks_ran(session)
    if not any(b.language == "sh" and "make uninstall" in b.text for b in BLOCKS):
        pytest.fail("the README does not say how to uninstall")
    left = [os.path.join(top, f) for top, _, files in os.walk(os.path.join(session.home, ".local"))
            for f in files]
    assert left == [], left


def test_relative_links_resolve():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    assert links, "no links"
    missing = [link for link in links if "://" not in link and not os.path.exists(os.path.join(ROOT, link))]
    assert missing == [], f"README links to files that do not exist: {missing}"
    assert "docs/guide.md" in links


def test_the_build_was_reused(session):
    """Keeps the test fast: the copy's make found the build current (no library recompiled)."""
    if not BUILD:
        pytest.skip("README_BUILD not set: the copy was built from scratch")
    all_blocks_ran(session)
    assert session.build_reused
    demo = session.results[BLOCKS[0].index][1]
    assert not re.search(r"^cc .* -c lib/", demo, re.M), "make demo recompiled the library:\n" + demo


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-rs", "-v"]))
