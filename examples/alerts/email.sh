#!/bin/sh
# pdrift --alert-cmd: e-mail the verdict, the recommendations and the whole JSON
# report (attached inline) through the local MTA's sendmail (exim4, postfix or
# msmtp-mta provide /usr/sbin/sendmail).
#
#   PDRIFT_MAIL_TO=trading-desk@example.com   (e.g. in /etc/default/pdrift)
#
# The report arrives on stdin; the verdict in PDRIFT_* variables. Header
# values come from pdrift's own fixed words (severity, type, action) and the
# model name, stripped of line breaks so nothing can be injected into headers.
set -eu
: "${PDRIFT_MAIL_TO:?set PDRIFT_MAIL_TO to the recipient}"
SENDMAIL=${SENDMAIL:-/usr/sbin/sendmail}
model=$(printf '%s' "${PDRIFT_MODEL:-default}" | tr -d '\r\n')
report=$(cat)
{
    printf 'To: %s\n' "$PDRIFT_MAIL_TO"
    printf 'Subject: [pdrift] %s %s drift on %s: %s\n' "${PDRIFT_SEVERITY:-}" "${PDRIFT_TYPE:-}" "$model" \
        "${PDRIFT_ACTION:-}"
    printf 'Content-Type: text/plain; charset=utf-8\n\n'
    printf 'Severity: %s\nType: %s\nAction: %s\nReport: %s\n\n' "${PDRIFT_SEVERITY:-}" "${PDRIFT_TYPE:-}" \
        "${PDRIFT_ACTION:-}" "${PDRIFT_REPORT:-}"
    printf '%s\n' "$report"
} | "$SENDMAIL" -t
