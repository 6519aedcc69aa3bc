# JSON Schemas of the files pdrift writes (issue 10 item 5):
#   docs/report.schema.json         the report (drift_monitoring_latest.json, pdrift_report_json)
#   docs/history-entry.schema.json  a run of the history (drift_report.json's "runs")
#   docs/history.schema.json        the whole history file
#   docs/log-line.schema.json       a line of the JSONL event log
#
#   make check-schema   (part of make check)
#       tests/test_schema.py runs the real CLI in every scenario (no drift, data
#       drift low/medium/high, concept, model, fallback, insufficient data,
#       escalation, hooks, snapshots) and the Python binding, validates every
#       report, history entry and log line, and checks that mutated files are
#       rejected. Needs Debian's python3-jsonschema (scripts/install-deps.sh).

.PHONY: check-schema
CHECK_MORE += check-schema

check-schema: all
	PDRIFT=$(PDRIFT) PDRIFT_LIBRARY=$(abspath $(B)/$(SONAME)) PYTHONPATH=bindings/python \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_schema.py
