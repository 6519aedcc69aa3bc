# libploutosdrift — the one build entry point (GNU make).
#
#   make              build/libploutosdrift.so.1.x.y, .so.1, .so, .a and the examples
#   make demo         build and run the demonstration on generated sample data
#   make check        install missing build dependencies, build, run every test
#   make install      PREFIX, DESTDIR, BINDIR, LIBDIR, INCLUDEDIR, PKGCONFIGDIR, MANDIR
#   make uninstall    remove exactly what install put there
#   make clean
#
# CFLAGS/LDFLAGS from the command line are added to the project's own flags,
# e.g. make check CFLAGS='-O1 -g -fsanitize=address,undefined' LDFLAGS=-fsanitize=address,undefined

.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:
.DEFAULT_GOAL := all

PYTHON     ?= /usr/bin/python3
PKG_CONFIG ?= pkg-config
CXX        ?= c++
NM         ?= nm

PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
BINDIR       ?= $(EXEC_PREFIX)/bin
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR       ?= $(PREFIX)/share/man
DESTDIR      ?=

# ---- version, read from the header ---------------------------------------
HEADER := include/ploutos_drift.h
version_of = $(shell sed -n 's/^\#define PDRIFT_VERSION_$(1)  *\([0-9][0-9]*\).*/\1/p' $(HEADER))
MAJOR   := $(call version_of,MAJOR)
MINOR   := $(call version_of,MINOR)
PATCH   := $(call version_of,PATCH)
VERSION := $(MAJOR).$(MINOR).$(PATCH)

# ---- outputs ---------------------------------------------------------------
B        ?= build
LIBNAME  := libploutosdrift
SONAME   := $(LIBNAME).so.$(MAJOR)
SHARED   := $(B)/$(LIBNAME).so.$(VERSION)
STATIC   := $(B)/$(LIBNAME).a
MAPFILE  := lib/$(LIBNAME).map

# ---- dependencies (Debian: libgsl-dev, libcjson-dev, check) ---------------
CHECK_MORE     :=
INSTALL_MORE   :=
UNINSTALL_MORE :=

DEPS_PC       := gsl libcjson
DEPS_CFLAGS   := $(shell $(PKG_CONFIG) --cflags $(DEPS_PC) 2>/dev/null)
DEPS_LIBS     := $(shell $(PKG_CONFIG) --libs $(DEPS_PC) 2>/dev/null || echo -lgsl -lgslcblas -lcjson -lm)
CHECK_CFLAGS  := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS    := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# ---- flags -----------------------------------------------------------------
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes -Werror
# -ffp-contract=off: several results are bit-exact only if a*b+c is not fused (SPEC §1).
BASE     := -std=c11 -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Iinclude
LIB_FLAGS  := $(BASE) -fPIC -fvisibility=hidden -pthread $(WARN) -Wmissing-prototypes $(DEPS_CFLAGS) $(CFLAGS)
PROG_FLAGS := $(BASE) $(WARN) $(CFLAGS)
TEST_FLAGS := $(BASE) -Wall -Wextra -Wshadow -Werror -Ilib $(DEPS_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS)

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=$(B)/obj/lib/%.o)

EXAMPLES := $(B)/examples/stats_demo $(B)/examples/trading_bot
PDRIFT   := $(B)/pdrift
CLI_SRC  := $(sort $(wildcard examples/pdrift/*.c))
CLI_OBJ  := $(CLI_SRC:examples/pdrift/%.c=$(B)/obj/pdrift/%.o)

TEST_UNITS   := $(patsubst tests/check_%.c,%,$(sort $(wildcard tests/check_*.c)))
TEST_BINS    := $(TEST_UNITS:%=$(B)/tests/check_%)
TEST_SUPPORT := $(B)/obj/tests/golden.o $(B)/obj/tests/sha256.o

.PHONY: all lib examples deps demo check check-units check-header check-exports \
        check-install check-cli check-scipy bench-serial bench-concept install uninstall clean

all: lib examples $(PDRIFT)

lib: $(SHARED) $(B)/$(SONAME) $(B)/$(LIBNAME).so $(STATIC)

examples: $(EXAMPLES)

# ---- library ---------------------------------------------------------------
$(B)/obj/lib/%.o: lib/%.c $(wildcard lib/*.h) $(HEADER) | $(B)/obj/lib
	$(CC) $(LIB_FLAGS) -c $< -o $@

$(SHARED): $(LIB_OBJ) $(MAPFILE)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(MAPFILE) -Wl,--no-undefined \
	    $(CFLAGS) $(LDFLAGS) -pthread -o $@ $(LIB_OBJ) $(DEPS_LIBS) -lm

$(B)/$(SONAME): $(SHARED)
	ln -sf $(notdir $<) $@

$(B)/$(LIBNAME).so: $(B)/$(SONAME)
	ln -sf $(notdir $<) $@

$(STATIC): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# ---- examples (linked against the shared library, as users do) -----------
$(B)/examples/%: examples/%.c $(HEADER) $(B)/$(LIBNAME).so | $(B)/examples
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -o $@ $< -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN/..' -lm

# ---- the pdrift CLI (examples/pdrift/): public header only, shared library --
$(B)/obj/pdrift/%.o: examples/pdrift/%.c $(wildcard examples/pdrift/*.h) $(HEADER) | $(B)/obj/pdrift
	$(CC) $(PROG_FLAGS) $(DEPS_CFLAGS) $(shell $(PKG_CONFIG) --cflags cairo 2>/dev/null) -c $< -o $@

# Only the CLI draws (plot.c), with cairo loaded (dlopen) when a chart is
# drawn: never linked, into the library or the tool, so a run without --plot
# does not pay for loading it.
$(PDRIFT): $(CLI_OBJ) $(B)/$(LIBNAME).so
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib' \
	    $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson) -ldl -lm

# ---- benchmarks and measurements (bench/) --------------------------------------
$(B)/bench/serial_false_alarms: bench/serial_false_alarms.c examples/pdrift/simulate.c $(B)/$(LIBNAME).so
	@mkdir -p $(B)/bench
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -o $@ bench/serial_false_alarms.c examples/pdrift/simulate.c \
	    -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN/..' -lm

bench-serial: $(B)/bench/serial_false_alarms
	$(B)/bench/serial_false_alarms 200

# Concept drift (docs/concept.md): concept_eval calls the hidden pdrift__addm
# and so links the static library; concept_monitor uses only the public API
# of the shared library, as users do.
$(B)/bench/concept_eval: bench/concept/concept_eval.c bench/concept/stream.h lib/internal.h $(STATIC)
	@mkdir -p $(B)/bench
	$(CC) $(PROG_FLAGS) -Ilib -pthread $(LDFLAGS) -o $@ bench/concept/concept_eval.c $(STATIC) \
	    $(DEPS_LIBS) -lm

$(B)/bench/concept_monitor: bench/concept/concept_monitor.c bench/concept/stream.h $(B)/$(LIBNAME).so
	@mkdir -p $(B)/bench
	$(CC) $(PROG_FLAGS) -pthread $(LDFLAGS) -o $@ bench/concept/concept_monitor.c \
	    -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN/..' -lm

bench-concept: $(B)/bench/concept_eval $(B)/bench/concept_monitor
	$(B)/bench/concept_eval
	$(B)/bench/concept_monitor

# ---- build dependencies ------------------------------------------------------
deps:
	@sh scripts/install-deps.sh

# A real monitoring check on generated market data: a calm baseline, then a
# calm and a volatile current window (exit 2 = high drift is the expected end).
DEMO := $(B)/demo
demo: deps
	@$(MAKE) --no-print-directory all
	@rm -rf $(DEMO)
	$(PDRIFT) sample-data $(DEMO)/data
	@echo
	@echo '$$ pdrift monitor --baseline $(DEMO)/data/baseline.csv --current $(DEMO)/data/current_calm.csv'
	@cd $(DEMO) && ../pdrift monitor --baseline data/baseline.csv --current data/current_calm.csv --model demo
	@echo
	@echo '$$ pdrift monitor --baseline $(DEMO)/data/baseline.csv --current $(DEMO)/data/current_volatile.csv'
	@cd $(DEMO) && ../pdrift monitor --baseline data/baseline.csv --current data/current_volatile.csv --model demo; \
	    status=$$?; echo; echo "exit status $$status (0 no drift, 1 low/medium, 2 high, 3 could not run)"; \
	    test $$status -le 2
	@echo "Reports and the event log are under $(DEMO)/reports and $(DEMO)/logs."

# ---- tests -------------------------------------------------------------------
$(B)/obj/tests/%.o: tests/%.c tests/golden.h | $(B)/obj/tests
	$(CC) $(TEST_FLAGS) -c $< -o $@

# Unit tests link the static library: they may call the hidden pdrift__ functions.
$(B)/tests/check_%: tests/check_%.c tests/golden.h tests/under_valgrind.h tests/xorshift.h lib/internal.h $(HEADER) $(TEST_SUPPORT) $(STATIC) | $(B)/tests
	$(CC) $(TEST_FLAGS) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT) $(STATIC) $(CHECK_LIBS) $(DEPS_LIBS) -lm

check: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@$(MAKE) --no-print-directory check-units check-header check-exports check-install check-cli check-scipy \
	    check-prometheus check-plot check-python check-threads $(CHECK_MORE)
	@echo "make check: all tests passed"

check-units: $(TEST_BINS)
	@sh tests/run-units.sh $(TEST_BINS)

check-header: | $(B)/tests
	@sh tests/header-test.sh "$(CC)" "$(CXX)" $(B)/tests

check-exports: lib
	@sh tests/check-exports.sh $(HEADER) $(MAPFILE) $(B)/$(SONAME) "$(NM)"
	@$(PYTHON) tests/check_enums.py

check-install: all
	@sh tests/install-test.sh "$(MAKE)" "$(PKG_CONFIG)" $(B)/install-test

check-cli: all
	PDRIFT=$(PDRIFT) TRADING_BOT=$(B)/examples/trading_bot \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_cli.py tests/test_trading_bot.py tests/test_ops.py tests/test_hostile.py

check-scipy: lib
	PDRIFT_LIBRARY=$(B)/$(SONAME) $(PYTHON) tests/scipy_compare.py

# The Prometheus textfile output (examples/pdrift/prometheus.c) on its own,
# checked by a strict parser of the exposition format and, when installed,
# promtool (Debian's prometheus package; not in install-deps: ~100 MB).
.PHONY: check-prometheus
$(B)/tests/prom_driver: tests/prom_driver.c $(B)/obj/pdrift/prometheus.o $(B)/obj/pdrift/files.o $(B)/obj/pdrift/text.o \
                        examples/pdrift/cli.h $(HEADER) | $(B)/tests
	$(CC) $(PROG_FLAGS) $(DEPS_CFLAGS) -Iexamples/pdrift $(LDFLAGS) -o $@ tests/prom_driver.c \
	    $(B)/obj/pdrift/prometheus.o $(B)/obj/pdrift/files.o $(B)/obj/pdrift/text.o \
	    $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson) -lm

check-prometheus: all $(B)/tests/prom_driver
	PROM_DRIVER=$(B)/tests/prom_driver PDRIFT=$(PDRIFT) \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_prometheus.py

# The drift-history chart (examples/pdrift/plot.c) through a small driver,
# which loads cairo as pdrift does.
.PHONY: check-plot
$(B)/tests/plot_driver: tests/plot_driver.c $(B)/obj/pdrift/plot.o $(B)/obj/pdrift/files.o $(B)/obj/pdrift/text.o \
                        examples/pdrift/cli.h $(HEADER) | $(B)/tests
	$(CC) $(PROG_FLAGS) $(DEPS_CFLAGS) $(shell $(PKG_CONFIG) --cflags cairo 2>/dev/null) \
	    -Iexamples/pdrift $(LDFLAGS) -o $@ tests/plot_driver.c $(B)/obj/pdrift/plot.o $(B)/obj/pdrift/files.o $(B)/obj/pdrift/text.o \
	    $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson) -ldl -lm

check-plot: $(B)/tests/plot_driver $(PDRIFT)
	PLOT_DRIVER=$(B)/tests/plot_driver PDRIFT=$(PDRIFT) \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_plot.py

# ---- install -----------------------------------------------------------------
$(B)/ploutosdrift.pc: pkgconfig/ploutosdrift.pc.in $(HEADER) | $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# The .pc depends on the install paths, so it is regenerated at every install.
install: all
	@rm -f $(B)/ploutosdrift.pc
	@$(MAKE) --no-print-directory $(B)/ploutosdrift.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHARED)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/$(LIBNAME).so
	install -m 0644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 0644 $(HEADER) $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 $(B)/ploutosdrift.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 0755 $(PDRIFT) $(DESTDIR)$(BINDIR)/pdrift
	$(if $(strip $(INSTALL_MORE)),@$(MAKE) --no-print-directory $(INSTALL_MORE))

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(SHARED)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/$(LIBNAME).so $(DESTDIR)$(LIBDIR)/$(LIBNAME).a \
	      $(DESTDIR)$(INCLUDEDIR)/ploutos_drift.h $(DESTDIR)$(PKGCONFIGDIR)/ploutosdrift.pc \
	      $(DESTDIR)$(BINDIR)/pdrift
	$(if $(strip $(UNINSTALL_MORE)),@$(MAKE) --no-print-directory $(UNINSTALL_MORE))

# ---- housekeeping --------------------------------------------------------------
$(B) $(B)/obj/lib $(B)/obj/tests $(B)/obj/pdrift $(B)/tests $(B)/examples:
	mkdir -p $@

clean:
	rm -rf $(B)

# ---- Python binding (bindings/python: the ctypes package ploutos_drift) --------
# Its pytest suite (against scipy, numpy and pandas) and the KS benchmark
# against scipy; both load the library just built through PDRIFT_LIBRARY.
.PHONY: check-python bench-python
check-python: lib
	PDRIFT_LIBRARY=$(abspath $(B)/$(SONAME)) PYTHONPATH=bindings/python \
	    $(PYTHON) -m pytest -q -p no:cacheprovider bindings/python/tests

bench-python: lib
	PDRIFT_LIBRARY=$(abspath $(B)/$(SONAME)) PYTHONPATH=bindings/python \
	    $(PYTHON) bench/python/ks_bench.py

# ---- performance benchmark (issue 8 item 4; docs/performance.md) ---------------
# bench/perf/run.py generates the data (build/bench-data/, cached, regenerated
# when the generator changes), runs pdrift monitor and the Python reference
# (bench/perf/reference.py) side by side, then detect_bench, and writes
# docs/performance.md. BENCH_REPEATS=N (default 5) sets the repetitions.
.PHONY: bench
$(B)/bench/gen_data: bench/perf/gen_data.c bench/perf/datagen.h
	@mkdir -p $(B)/bench
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -o $@ bench/perf/gen_data.c -lm

$(B)/bench/detect_bench: bench/perf/detect_bench.c bench/perf/datagen.h $(HEADER) $(B)/$(LIBNAME).so
	@mkdir -p $(B)/bench
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -o $@ bench/perf/detect_bench.c \
	    -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN/..' -lm

bench: all $(B)/bench/gen_data $(B)/bench/detect_bench
	PDRIFT=$(PDRIFT) PDRIFT_LIBRARY=$(B)/$(SONAME) GEN_DATA=$(B)/bench/gen_data \
	    DETECT_BENCH=$(B)/bench/detect_bench BENCH_DATA=$(B)/bench-data CC='$(CC)' CFLAGS='$(CFLAGS)' \
	    $(PYTHON) bench/perf/run.py

# ---- sanitizers (issue 9) ---------------------------------------------------------
# The unit suites and the CLI end-to-end tests, built in their own folder with
# AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer; any report
# fails the run. The Python-driven checks of the library itself (scipy, the
# binding) need an instrumented interpreter and are not part of it.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
.PHONY: check-asan
check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan CFLAGS='$(ASAN_FLAGS)' \
	    LDFLAGS='-fsanitize=address,undefined' check-units check-cli check-fuzz
	@echo "make check-asan: all tests passed under ASan and UBSan"

# Threads: several monitors at once, one per thread, and the stateless
# functions shared (tests/thread_test.c). `check-threads` checks the results
# in the normal build (part of make check); `check-tsan` runs it built with
# ThreadSanitizer, which fails on any data race.
.PHONY: check-threads check-tsan
$(B)/tests/thread_test: tests/thread_test.c $(HEADER) $(B)/$(LIBNAME).so | $(B)/tests
	$(CC) $(PROG_FLAGS) $(LDFLAGS) -pthread -o $@ tests/thread_test.c \
	    -L$(B) -lploutosdrift -Wl,-rpath,'$$ORIGIN/..' -lm

check-threads: $(B)/tests/thread_test
	$(B)/tests/thread_test 4 3

# It also runs the threads inside one call (PDRIFT_PARAM_THREADS): the
# detections and baselines of check_monitor's "threads" case, and the CSV
# files read by two threads in check_csv's "limits" case.
check-tsan: deps
	@$(MAKE) --no-print-directory B=build-tsan CFLAGS='-O1 -g -fsanitize=thread' \
	    LDFLAGS='-fsanitize=thread' check-threads build-tsan/tests/check_monitor build-tsan/tests/check_csv
	CK_FORK=no CK_RUN_CASE=threads build-tsan/tests/check_monitor
	CK_FORK=no CK_RUN_CASE=limits build-tsan/tests/check_csv
	@echo "make check-tsan: no data race"

# ---- ABI guard (docs/abi-policy.md) -------------------------------------------------
.PHONY: abi-check abi-dump
abi-check: lib
	sh tests/abi-check.sh check $(B)/$(SONAME) tests/abi/libploutosdrift.abi

# Rewrite the baseline: only for an intended change (see docs/abi-policy.md).
abi-dump: lib
	sh tests/abi-check.sh dump $(B)/$(SONAME) tests/abi/libploutosdrift.abi

# ---- more targets, one fragment per subject (mk/*.mk) ------------------------------
# Each fragment may add test targets to CHECK_MORE (run by make check) and
# install steps to INSTALL_MORE / UNINSTALL_MORE.
include $(sort $(wildcard mk/*.mk))
