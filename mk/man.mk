# Man pages and the API reference (issue 10 items 3 and 4).
#
#   make man            stage docs/man into $(B)/man/man1 and $(B)/man/man3: the
#                       version filled in, and a `.so` alias page for every other
#                       function named in a page's NAME (man pdrift_baseline_set)
#   make check-man      (part of make check) every page renders without a warning,
#                       every public function has a page whose SYNOPSIS is the
#                       header's declaration, the EXAMPLES programs build, run and
#                       print what the pages say, pdrift.1 has every CLI option
#   make install-man / uninstall-man  (run by make install / make uninstall)
#                       $(DESTDIR)$(MANDIR)/man1 and man3
#   make check-doc      (part of make check) every public symbol of the header has
#                       a Doxygen doc comment, every parameter an @param, every
#                       value-returning function an @return (tests/check-doc.py,
#                       without Doxygen), and the checker itself is tested
#   make docs           the HTML API reference in $(B)/docs/api/html with Doxygen
#                       (docs/Doxyfile; any Doxygen warning fails); without
#                       Doxygen it says so and makes nothing (Doxygen is optional)

MAN_SRC   := $(sort $(wildcard docs/man/*.1 docs/man/*.3))
MAN_STAGE := $(B)/man

.PHONY: man check-man install-man uninstall-man check-doc docs

# The header gives the version written in the pages.
$(MAN_STAGE)/.staged: $(MAN_SRC) tests/check-man.py $(HEADER)
	@$(PYTHON) tests/check-man.py stage docs/man $(MAN_STAGE) $(VERSION)
	@touch $@

man: $(MAN_STAGE)/.staged

check-man: $(MAN_STAGE)/.staged $(PDRIFT) lib
	@$(PYTHON) tests/check-man.py check $(MAN_STAGE) $(HEADER) "$(CC)" $(B) $(PDRIFT)

# Every staged file, real page or alias, goes to the same place under MANDIR.
install-man: $(MAN_STAGE)/.staged
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	for f in $(MAN_STAGE)/man1/*.1 $(MAN_STAGE)/man3/*.3; do \
	    install -m 0644 "$$f" "$(DESTDIR)$(MANDIR)/$${f#$(MAN_STAGE)/}" || exit 1; \
	done

uninstall-man: $(MAN_STAGE)/.staged
	for f in $(MAN_STAGE)/man1/*.1 $(MAN_STAGE)/man3/*.3; do \
	    rm -f "$(DESTDIR)$(MANDIR)/$${f#$(MAN_STAGE)/}"; \
	done

INSTALL_MORE   += install-man
UNINSTALL_MORE += uninstall-man
CHECK_MORE     += check-man

# ---- API reference -------------------------------------------------------------
check-doc:
	@$(PYTHON) tests/check-doc.py $(HEADER)
	@$(PYTHON) -m pytest -q -p no:cacheprovider tests/test_check_doc.py

CHECK_MORE += check-doc

DOXYGEN ?= doxygen

# docs is also a folder of the tree: .PHONY makes the target run anyway.
docs: $(HEADER) docs/Doxyfile
	@if ! command -v $(DOXYGEN) >/dev/null 2>&1; then \
	    echo "make docs: doxygen is not installed, no HTML made (Debian: apt-get install doxygen)."; \
	    echo "make docs: the header's doc comments are still checked, by make check-doc."; \
	    exit 0; \
	fi; \
	rm -rf $(B)/docs/api && mkdir -p $(B)/docs/api && \
	{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $(B)/docs/api"; echo "PROJECT_NUMBER = $(VERSION)"; } | \
	    $(DOXYGEN) - || { echo "make docs: doxygen warned (above): document what it names"; exit 1; }; \
	echo "make docs: API reference in $(B)/docs/api/html/index.html"
