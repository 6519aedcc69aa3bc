#!/bin/sh
# make check-valgrind (mk/valgrind.mk): the Check suites and the pdrift CLI
# under valgrind's memcheck; any memcheck error or definite/indirect leak
# fails, and so does a test's own failure or an unexpected exit code.
#
#   valgrind.sh run JOBS LOGDIR PDRIFT SUITE...   run every job, JOBS at a time
#   valgrind.sh job LOGDIR PDRIFT SUITE|cli       one job (xargs calls this)
#
# $VALGRIND is the command with its options (mk/valgrind.mk). It must set
# --error-exitcode=99, which tells a memcheck error apart from a suite's
# failure (1) and from pdrift's own exit codes (0 to 3).
#
# The suites run with CK_FORK=no: each suite is one process, so the leak
# check at its exit sees every test's allocations, and valgrind's exit code
# is the suite's (in fork mode each test's child would be checked on its
# own and its verdict read by Check, not by us; valgrind follows a fork,
# never an exec: --trace-children is not needed). The price is that a
# crashing test ends its suite: valgrind reports where.
set -u

job() {
    logdir=$1 pdrift=$2 what=$3
    name=$(basename "$what")
    log=$logdir/$name.log
    start=$(date +%s)
    if [ "$what" = cli ]; then
        (cli "$logdir" "$pdrift") > "$log" 2>&1
    else
        CK_FORK=no $VALGRIND "$what" > "$log" 2>&1
    fi
    rc=$?
    echo "$rc $(( $(date +%s) - start ))" > "$logdir/$name.rc"
}

# One pdrift command under valgrind; want = the expected exit code(s).
run_cli() {
    want=$1
    shift
    n=$((n + 1))
    $VALGRIND --log-file="vg.$n.%p.log" "$pdrift" "$@" > "out.$n" 2>&1
    rc=$?
    ok=1
    case " $want " in *" $rc "*) ;; *) ok=0 ;; esac
    for f in vg.$n.*.log; do
        [ -s "$f" ] && ok=0
    done
    if [ $ok = 1 ]; then
        echo "ok   exit $rc  pdrift $*"
    else
        echo "FAIL exit $rc (expected $want)  pdrift $*"
        cat "out.$n" vg.$n.*.log
        failures=$((failures + 1))
    fi
}

# The CLI end to end, in a fresh folder: every command and the main paths
# (CSV and snapshot baselines, every output, hooks, an input error, a limit).
cli() {
    dir=$1/cli pdrift=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    rm -rf "$dir"
    mkdir -p "$dir"
    cd "$dir" || return 1
    n=0 failures=0
    run_cli 0 --version
    run_cli 0 sample-data data
    run_cli "0 1" monitor --baseline data/baseline.csv --current data/current_calm.csv --model demo
    run_cli 2 monitor --baseline data/baseline.csv --current data/current_volatile.csv --model demo --json \
        --prometheus reports/demo.prom --plot reports/history.png --alert-cmd 'cat > /dev/null' \
        --auto-retrain --retrain-cmd true
    run_cli 0 baseline --from data/baseline.csv -o baseline.pdsnap
    run_cli 2 monitor --baseline baseline.pdsnap --current data/current_volatile.csv --model demo --quiet
    run_cli 0 summary
    run_cli 0 summary --json
    run_cli 3 monitor --baseline data/absent.csv --current data/current_calm.csv
    run_cli 3 monitor --baseline data/baseline.csv --current data/current_calm.csv --set max_rows=10
    run_cli 0 selftest
    [ $failures -eq 0 ]
}

case "$1" in
run)
    jobs=$2 pdrift=$4
    mkdir -p "$3" || exit 1
    logdir=$(cd "$3" && pwd)
    shift 4
    rm -f "$logdir"/*.rc
    # the CLI first: it is the longest job
    { echo cli; for s in "$@"; do echo "$s"; done; } |
        xargs -P "$jobs" -I{} sh "$0" job "$logdir" "$pdrift" {}
    failed=""
    for what in cli "$@"; do
        name=$(basename "$what")
        if [ -f "$logdir/$name.rc" ]; then
            read -r rc secs < "$logdir/$name.rc"
        else
            rc=missing secs=0
        fi
        case $rc in
        0) echo "valgrind: $name ok (${secs} s)" ;;
        99) echo "valgrind: $name: MEMCHECK ERRORS (${secs} s)"; cat "$logdir/$name.log"; failed="$failed $name" ;;
        *) echo "valgrind: $name: FAILED, exit $rc (${secs} s)"; cat "$logdir/$name.log"; failed="$failed $name" ;;
        esac
    done
    # what the suites said about running under valgrind (wider tolerances, fewer cases)
    grep -h "under valgrind" "$logdir"/*.log 2>/dev/null | sed 's/^/valgrind: note: /'
    if [ -n "$failed" ]; then
        echo "valgrind: FAILED:$failed (logs in $logdir)" >&2
        exit 1
    fi
    ;;
job)
    job "$2" "$3" "$4"
    ;;
*)
    echo "usage: $0 run JOBS LOGDIR PDRIFT SUITE... | job LOGDIR PDRIFT SUITE|cli" >&2
    exit 2
    ;;
esac
