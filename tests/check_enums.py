#!/usr/bin/python3
"""Pin every public enum value (docs/abi-policy.md): the enumerators of
include/ploutos_drift.h must equal tests/abi/enums.txt, name for name and
value for value. A value that changes or disappears breaks the ABI; a new
enumerator must be added to the list on purpose (python3 tests/check_enums.py
--write does it, for review in the diff)."""
import re
import sys

HEADER = "include/ploutos_drift.h"
PINNED = "tests/abi/enums.txt"


def header_enums():
    text = open(HEADER).read()
    found = {}
    for body in re.findall(r"typedef\s+enum\s+\w*\s*\{(.*?)\}", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        for name, value in re.findall(r"\b(PDRIFT_[A-Z0-9_]+)\s*=\s*(-?\d+)", body):
            found[name] = int(value)
    # every enumerator must carry an explicit value: "A, B = 2" would hide A's
    for body in re.findall(r"typedef\s+enum\s+\w*\s*\{(.*?)\}", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        for item in body.split(","):
            item = item.strip()
            if item and "=" not in item:
                sys.exit("check_enums: enumerator %r has no explicit value" % item)
    return found


def main():
    now = header_enums()
    if "--write" in sys.argv:
        with open(PINNED, "w") as f:
            for name, value in sorted(now.items(), key=lambda kv: kv[0]):
                f.write("%s %d\n" % (name, value))
        print("check_enums: wrote %d enumerators to %s" % (len(now), PINNED))
        return 0
    pinned = {}
    for line in open(PINNED):
        name, value = line.split()
        pinned[name] = int(value)
    errors = []
    for name, value in sorted(pinned.items()):
        if name not in now:
            errors.append("%s (= %d) was removed from the header" % (name, value))
        elif now[name] != value:
            errors.append("%s changed from %d to %d" % (name, value, now[name]))
    for name in sorted(set(now) - set(pinned)):
        errors.append("%s = %d is new: add it to %s (--write) if intended" % (name, now[name], PINNED))
    for e in errors:
        print("check_enums: " + e, file=sys.stderr)
    if errors:
        return 1
    print("check_enums: %d public enum values as pinned" % len(now))
    return 0


if __name__ == "__main__":
    sys.exit(main())
