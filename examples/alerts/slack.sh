#!/bin/sh
# pdrift --alert-cmd: post the verdict to a Slack channel through an incoming
# webhook. pdrift runs it with the JSON report on stdin and PDRIFT_SEVERITY,
# PDRIFT_TYPE, PDRIFT_ACTION, PDRIFT_MODEL, PDRIFT_REPORT in the environment.
#
#   SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/XXXX   (e.g. in /etc/default/pdrift)
#
# The message is built by jq from the report itself: no value is ever pasted
# into a command line or into JSON by hand. Needs curl and jq.
set -eu
: "${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL to the Slack incoming-webhook URL}"
jq -c --arg severity "${PDRIFT_SEVERITY:-}" --arg action "${PDRIFT_ACTION:-}" \
      --arg report "${PDRIFT_REPORT:-}" '
  { text: ("Drift on model " + (.model // "default") + ": " + ($severity | ascii_upcase)
           + " " + (.drift_type // "none") + " drift, action " + ($action | ascii_upcase)),
    blocks: [
      { type: "section",
        text: { type: "mrkdwn",
                text: ("*Drift on model " + (.model // "default") + "*: severity *" + $severity
                       + "*, type " + (.drift_type // "none") + ", action *" + $action + "*") } },
      { type: "section",
        text: { type: "mrkdwn", text: (.recommendations | map("• " + .) | join("\n")) } },
      { type: "context",
        elements: [ { type: "mrkdwn", text: ("Report: " + $report + " · " + .generated_at) } ] } ] }' |
curl --silent --show-error --fail --max-time 20 -H 'Content-Type: application/json' \
     --data-binary @- "$SLACK_WEBHOOK_URL"
