# Crash safety (issue 9 item 4; docs/reliability.md, "Nothing lost"):
# tests/test_crash.py kills `pdrift monitor` and `pdrift baseline -o` with
# SIGKILL at random points, aiming at their writes too, and checks that every
# report, history, metrics file, chart and snapshot is then the complete old
# or the complete new version, and that the event log holds whole lines only.
# About 5 s on an idle machine, 20 s on a busy one. PDRIFT_CRASH_SEED=N draws
# other kills.
.PHONY: check-crash
check-crash: all
	PDRIFT=$(PDRIFT) $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_crash.py

CHECK_MORE += check-crash
