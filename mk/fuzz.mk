# Fuzzing (issue 9 item 1; tests/fuzz/, docs/reliability.md "Fuzzing").
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='csv snapshot'] [FUZZ_UPDATE=1]
#       builds the libFuzzer harnesses with clang (-fsanitize=fuzzer,address,
#       undefined) into $(B)/fuzz and runs each for FUZZ_SECONDS, one after the
#       other. New inputs go to $(B)/fuzz/new/<harness>; FUZZ_UPDATE=1 merges
#       those that reach a new edge (-use_counters=0: edges, not hit counts,
#       which keeps the committed corpora small) into tests/fuzz/corpus/<harness>.
#       Crashes are written to $(B)/fuzz/artifacts/. FUZZ_ARGS adds libFuzzer
#       options (e.g. FUZZ_ARGS=-jobs=2).
#   make check-fuzz   (part of make check)
#       builds each harness with $(CC) and tests/fuzz/regression_driver.c
#       against the static library and replays every file of its corpus.
#
# The harnesses are plain C: tests/fuzz/fuzz_<name>.c defines
# LLVMFuzzerTestOneInput; fuzz_common.c holds what they share.

FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_common.c,$(sort $(wildcard tests/fuzz/fuzz_*.c))))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_UPDATE  ?= 0
FUZZ_ARGS    ?=
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The library as the fuzzer sees it: coverage-instrumented and sanitized,
# with the project's flags otherwise (clang's warnings, not fatal: they
# belong to the gcc build).
FUZZ_LIB_FLAGS  := $(BASE) -fvisibility=hidden $(DEPS_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJ    := $(LIB_SRC:lib/%.c=$(B)/fuzz/obj/lib/%.o)
FUZZ_HARNESS_FLAGS := $(BASE) $(WARN) -Ilib -Itests/fuzz $(DEPS_CFLAGS)
FUZZ_DEPS_H     := tests/fuzz/fuzz_common.h lib/internal.h lib/monitor.h lib/csv.h $(HEADER)

.PHONY: fuzz fuzz-build check-fuzz

$(B)/fuzz/obj/lib/%.o: lib/%.c $(wildcard lib/*.h) $(HEADER)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LIB_FLAGS) -c $< -o $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c $(FUZZ_DEPS_H) $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_HARNESS_FLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ \
	    $< tests/fuzz/fuzz_common.c $(FUZZ_LIB_OBJ) $(DEPS_LIBS) -lm

fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

# One harness at a time (the machine is shared); each run starts from the
# committed corpus plus what earlier runs found in $(B)/fuzz/new/<name>.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(B)/fuzz/new/$$t $(B)/fuzz/artifacts; \
	    dict=; test -f tests/fuzz/$$t.dict && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    $(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -timeout=30 \
	        -print_final_stats=1 -artifact_prefix=$(B)/fuzz/artifacts/$$t- $$dict $(FUZZ_ARGS) \
	        $(B)/fuzz/new/$$t tests/fuzz/corpus/$$t; \
	    if [ "$(FUZZ_UPDATE)" = 1 ]; then \
	        $(B)/fuzz/fuzz_$$t -merge=1 -use_counters=0 -rss_limit_mb=4096 -timeout=30 \
	            tests/fuzz/corpus/$$t $(B)/fuzz/new/$$t; \
	    fi; \
	done

# ---- the replay, with $(CC), in make check --------------------------------------
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%-replay)

$(B)/tests/fuzz/fuzz_%-replay: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c tests/fuzz/regression_driver.c \
                               $(FUZZ_DEPS_H) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_HARNESS_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/fuzz_common.c \
	    tests/fuzz/regression_driver.c $(STATIC) $(DEPS_LIBS) -lm

check-fuzz: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_NAMES); do $(B)/tests/fuzz/fuzz_$$t-replay tests/fuzz/corpus/$$t; done

# The seed snapshots of fuzz_snapshot, written by pdrift_baseline_save
# (tests/fuzz/seed_snapshots.c); rerun after a change of the snapshot format.
.PHONY: fuzz-seed-snapshots
$(B)/tests/fuzz/seed_snapshots: tests/fuzz/seed_snapshots.c $(HEADER) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(DEPS_LIBS) -lm

fuzz-seed-snapshots: $(B)/tests/fuzz/seed_snapshots
	@mkdir -p tests/fuzz/corpus/snapshot
	$(B)/tests/fuzz/seed_snapshots tests/fuzz/corpus/snapshot

CHECK_MORE += check-fuzz
