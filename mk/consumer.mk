# pkg-config consumers (issue 10 item 6): examples/consumer built against the
# installed library with `pkg-config --cflags --libs ploutosdrift` (and
# `--static` for libploutosdrift.a).
#
#   make check-consumer   (part of make check)
#       tests/consumer-test.sh: make install DESTDIR=$(B)/consumer-test/stage
#       PREFIX=/usr/local, build examples/consumer shared and static with its
#       own Makefile, run both (and compare with the installed pdrift), make
#       uninstall, and check that no file is left in the stage.
#
# make install rewrites $(B)/ploutosdrift.pc for its PREFIX, so this test
# waits for check-install (another PREFIX) when both run in one make -j.

.PHONY: check-consumer
CHECK_MORE += check-consumer

check-consumer: all | $(filter check-install,$(MAKECMDGOALS))
	@CONSUMER_CFLAGS='$(CFLAGS) -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes -Werror' \
	    sh tests/consumer-test.sh "$(MAKE)" "$(PKG_CONFIG)" $(B)/consumer-test
