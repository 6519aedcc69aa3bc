#!/usr/bin/python3
"""Every public symbol of the header is documented, Doxygen style.

usage: check-doc.py [HEADER]        (default include/ploutos_drift.h)

Reads the header without Doxygen and fails, listing each problem with its
line, when
  - a macro PDRIFT_*, a typedef, an enumerator or a PDRIFT_API function has
    no doc comment (a /** ... */ or /// comment right before it, or for an
    enumerator a trailing /**< ... */ after it);
  - a function parameter has no @param (\\param; "@param x, n" documents
    both), or an @param names no parameter;
  - a function that returns a value has no @return (@returns, @retval);
  - the header has no @file comment (Doxygen then documents no global).
These are the rules of Doxygen's WARN_IF_UNDOCUMENTED and WARN_NO_PARAMDOC
(docs/Doxyfile, `make docs`), checked in make check where Doxygen may not be
installed; enumerators are held to them too.
"""
import re
import sys

GROUP_COMMAND = re.compile(r"[@\\](name|file|defgroup|addtogroup|\{|\})")
PARAM = re.compile(r"[@\\]param(?:\s*\[[^\]]*\])?\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)")
RETURN = re.compile(r"[@\\](?:return|returns|retval|result)\b")
CONDITIONAL = re.compile(r"#\s*(if|ifdef|ifndef|elif|else|endif)\b")
DEFINE = re.compile(r"#\s*define\s+([A-Za-z_]\w*)")


class Token:
    """kind: 'doc' (leading doc comment), 'trail' (/**< or ///<), 'pp'
    (a preprocessor line), 'word', 'punct' or 'string'."""

    def __init__(self, kind, text, line, slashes=False):
        self.kind, self.text, self.line, self.slashes = kind, text, line, slashes

    def __repr__(self):
        return "%s:%d:%r" % (self.kind, self.line, self.text)


def tokenize(src):
    tokens, i, line, n = [], 0, 1, len(src)
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        start_line = line
        if c == "#" and at_line_start:
            j = i
            while j < n and src[j] != "\n":
                j += 2 if src[j] == "\\" and j + 1 < n else 1
            text = src[i:j]
            line += text.count("\n")
            tokens.append(Token("pp", re.sub(r"\\\n", " ", text), start_line))
            i = j
            continue
        at_line_start = False
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            text = src[i:j]
            line += text.count("\n")
            if text.startswith(("/**<", "/*!<")):
                tokens.append(Token("trail", text[4:-2], start_line))
            elif (text.startswith("/**") or text.startswith("/*!")) and text != "/**/":
                tokens.append(Token("doc", text[3:-2], start_line))
            i = j
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            text = src[i:j]
            if text.startswith(("///<", "//!<")):
                tokens.append(Token("trail", text[4:], start_line, True))
            elif text.startswith(("///", "//!")):
                tokens.append(Token("doc", text[3:], start_line, True))
            i = j
            continue
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            tokens.append(Token("string", src[i:j + 1], start_line))
            i = j + 1
            continue
        m = re.compile(r"[A-Za-z_]\w*|\d[\w.]*").match(src, i)
        if m:
            tokens.append(Token("word", m.group(0), start_line))
            i = m.end()
            continue
        tokens.append(Token("punct", c, start_line))
        i += 1
    return tokens


def merge_docs(tokens):
    """Consecutive /// lines form one doc comment."""
    out = []
    for t in tokens:
        prev = out[-1] if out else None
        if prev is not None and t.kind == prev.kind and t.slashes and prev.slashes and \
                t.line == prev.line + prev.text.count("\n") + 1:
            out[-1] = Token(t.kind, prev.text + "\n" + t.text, prev.line, True)
        else:
            out.append(t)
    return out


def is_member_doc(doc):
    return not GROUP_COMMAND.search(doc)


def documented_params(doc):
    names = set()
    for m in PARAM.finditer(doc):
        names.update(x.strip() for x in m.group(1).split(","))
    return names


def split_top(tokens, sep):
    """Split a token list at sep outside parentheses and braces."""
    parts, cur, depth = [], [], 0
    for t in tokens:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.kind == "punct" and t.text == sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []
        self.counts = {"macros": 0, "typedefs": 0, "enumerators": 0, "functions": 0, "parameters": 0}

    def fail(self, line, what):
        self.problems.append((line, what))

    def check_enum_body(self, body):
        entries = split_top(body, ",")
        previous = None  # (name, line, documented) of the enumerator before
        documented = {}
        order = []
        for entry in entries:
            name_tok = next((t for t in entry if t.kind == "word"), None)
            before = entry if name_tok is None else entry[:entry.index(name_tok)]
            after = [] if name_tok is None else entry[entry.index(name_tok) + 1:]
            for t in before:
                if t.kind == "trail" and previous is not None:
                    documented[previous] = True
            if name_tok is None:
                continue
            key = (name_tok.text, name_tok.line)
            order.append(key)
            documented[key] = any(t.kind == "doc" and is_member_doc(t.text) for t in before) or \
                any(t.kind == "trail" for t in after)
            previous = key
        for key in order:
            self.counts["enumerators"] += 1
            if not documented[key]:
                self.fail(key[1], "enumerator %s is not documented" % key[0])

    def check_typedef(self, stmt, doc):
        words = [t for t in stmt if t.kind == "word"]
        name = words[-1].text if words else "?"
        self.counts["typedefs"] += 1
        if doc is None:
            self.fail(stmt[0].line, "typedef %s is not documented" % name)
        if any(t.kind == "punct" and t.text == "{" for t in stmt):
            open_i = next(i for i, t in enumerate(stmt) if t.kind == "punct" and t.text == "{")
            depth, close_i = 0, None
            for i in range(open_i, len(stmt)):
                if stmt[i].kind == "punct" and stmt[i].text == "{":
                    depth += 1
                elif stmt[i].kind == "punct" and stmt[i].text == "}":
                    depth -= 1
                    if depth == 0:
                        close_i = i
                        break
            if any(t.kind == "word" and t.text == "enum" for t in stmt[:open_i]):
                self.check_enum_body(stmt[open_i + 1:close_i])

    def check_function(self, stmt, doc):
        code = [t for t in stmt if t.kind not in ("doc", "trail")]
        try:
            paren = next(i for i, t in enumerate(code) if t.kind == "punct" and t.text == "(")
        except StopIteration:
            self.fail(stmt[0].line, "cannot read the declaration %s" % " ".join(t.text for t in code))
            return
        name = code[paren - 1].text
        returns = [t.text for t in code[1:paren - 1]]
        close = max(i for i, t in enumerate(code) if t.kind == "punct" and t.text == ")")
        params = []
        for p in split_top(code[paren + 1:close], ","):
            words = [t.text for t in p if t.kind == "word"]
            if not p or words == ["void"] and len(p) == 1:
                continue
            params.append(words[-1] if words else "?")
        self.counts["functions"] += 1
        self.counts["parameters"] += len(params)
        line = code[0].line
        if doc is None:
            self.fail(line, "function %s is not documented" % name)
            return
        given = documented_params(doc)
        for p in params:
            if p not in given:
                self.fail(line, "parameter %s of %s has no @param" % (p, name))
        for p in sorted(given - set(params)):
            self.fail(line, "@param %s of %s names no parameter" % (p, name))
        if returns != ["void"] and not RETURN.search(doc):
            self.fail(line, "function %s returns %s but has no @return" % (name, " ".join(returns)))

    def run(self, src):
        tokens = merge_docs(tokenize(src))
        if not any(t.kind == "doc" and re.search(r"[@\\]file\b", t.text) for t in tokens):
            self.fail(1, "no @file comment: Doxygen would document no global symbol")
        pending = None  # the doc comment waiting for its declaration
        documented_macros, macro_lines = set(), {}
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.kind == "doc":
                pending = t.text if is_member_doc(t.text) else None
                i += 1
                continue
            if t.kind == "trail":
                i += 1
                continue
            if t.kind == "pp":
                m = DEFINE.match(t.text)
                if m and m.group(1).startswith("PDRIFT_"):
                    macro_lines.setdefault(m.group(1), t.line)
                    if pending is not None:
                        documented_macros.add(m.group(1))
                    pending = None
                elif not CONDITIONAL.match(t.text):
                    pending = None
                i += 1
                continue
            if t.kind == "word" and t.text in ("typedef", "PDRIFT_API"):
                j, depth = i, 0
                while j < len(tokens):
                    u = tokens[j]
                    if u.kind == "punct" and u.text in "({":
                        depth += 1
                    elif u.kind == "punct" and u.text in ")}":
                        depth -= 1
                    elif u.kind == "punct" and u.text == ";" and depth == 0:
                        break
                    j += 1
                stmt = tokens[i:j + 1]
                # a trailing doc right after the ';' documents the declaration too
                if j + 1 < len(tokens) and tokens[j + 1].kind == "trail" and tokens[j + 1].line == tokens[j].line:
                    pending = pending or tokens[j + 1].text
                if t.text == "typedef":
                    self.check_typedef(stmt, pending)
                else:
                    self.check_function(stmt, pending)
                pending = None
                i = j + 1
                continue
            # extern "C" {, }, anything else: not a public declaration
            pending = None
            i += 1
        for name, line in sorted(macro_lines.items(), key=lambda kv: kv[1]):
            self.counts["macros"] += 1
            if name not in documented_macros:
                self.fail(line, "macro %s is not documented" % name)
        return not self.problems


def main(argv):
    path = argv[1] if len(argv) > 1 else "include/ploutos_drift.h"
    with open(path, encoding="utf-8") as f:
        src = f.read()
    c = Checker(path)
    ok = c.run(src)
    if c.counts["functions"] == 0:
        print("check-doc: %s: no PDRIFT_API function found: is this the header?" % path)
        return 1
    for line, what in sorted(c.problems):
        print("%s:%d: %s" % (path, line, what))
    summary = ", ".join("%d %s" % (v, k) for k, v in c.counts.items())
    if not ok:
        print("check-doc: %d problem(s) in %s (%s)" % (len(c.problems), path, summary))
        return 1
    print("check-doc: every public symbol of %s is documented (%s)" % (path, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
