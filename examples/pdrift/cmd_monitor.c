/*
 * cmd_monitor.c — pdrift monitor: one monitoring check, as cron runs it.
 *
 * Loads the baseline and the current data, detects, writes the report
 * (atomically) to REPORT_DIR/drift_monitoring_latest.json, appends one line
 * per drift event to the event log, prints a human summary (or the report
 * with --json) and exits with the severity's code.
 */
#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli.h"

static const char monitor_usage[] =
    "usage: pdrift monitor --baseline FILE --current FILE [options]\n"
    "\n"
    "  --baseline FILE       training-period data: CSV with a header row (a raw\n"
    "                        OHLCV file with a Date column works as it is)\n"
    "  --current FILE        production data, same columns (matched by name)\n"
    "  --model NAME          name of the model, written in the report and the log\n"
    "  --sensitivity LEVEL   low, medium (default) or high\n"
    "  --window N            test only the last N rows of the current data\n"
    "  --set NAME=VALUE      any library parameter, e.g. --set psi_bins=20; the input\n"
    "                        limits too: max_line_bytes, max_columns, max_rows,\n"
    "                        max_memory (docs/security.md)\n"
    "\n"
    "  trading performance (model drift; may be used without --baseline/--current):\n"
    "  --returns FILE            live returns (CSV: a column ret/return/returns, or one\n"
    "                            numeric column, header optional)\n"
    "  --baseline-returns FILE   the model's validation returns, same format\n"
    "  --baseline-sharpe X       or known baseline numbers: annualised Sharpe ratio,\n"
    "  --baseline-max-dd X       maximum drawdown (-12 or -0.12: |X| > 1 is read as percent),\n"
    "  --baseline-win-rate X     win rate (55 or 0.55)\n"
    "  --periods-per-year N      252 (default), 365, 8760, 1 for per-trade returns\n"
    "\n"
    "  model errors (concept drift, ADDM):\n"
    "  --baseline-errors FILE    the model's errors on its validation period (0/1 flags\n"
    "                            or losses; a column error/errors, or one numeric column)\n"
    "  --errors FILE             its live errors, same format, oldest first\n"
    "\n"
    "  outputs (docs/operations.md):\n"
    "  --report-dir DIR      drift_monitoring_latest.json (this run) and drift_report.json\n"
    "                        (history and summary across runs); default reports\n"
    "  --history-max N       runs kept in the history (default 1000; totals are kept)\n"
    "  --log FILE            drift event log, one JSON line per event\n"
    "                        (default logs/drift_events.jsonl; '' for none)\n"
    "  --log-max-bytes N     rotate the log before it passes N bytes (default 10485760;\n"
    "                        0 never) keeping --log-keep old files (default 5)\n"
    "  --prometheus FILE     node_exporter textfile-collector metrics (.prom)\n"
    "  --plot FILE           drift-history chart (PNG), e.g. reports/drift_history.png\n"
    "  --json                print the JSON report on stdout instead of the summary\n"
    "  --quiet               print nothing but errors; the exit code tells\n"
    "\n"
    "  hooks (run as /bin/sh -c CMD, report on stdin, PDRIFT_* in the environment):\n"
    "  --alert-cmd CMD           when severity >= --alert-min-severity (default medium)\n"
    "  --alert-cooldown S        the same alert at most once per S seconds (default 86400)\n"
    "  --auto-retrain            on action retrain or fallback: write\n"
    "                            REPORT_DIR/retrain_requested.json and run --retrain-cmd\n"
    "  --retrain-cmd CMD         the retraining command\n"
    "  --retrain-cooldown S      at most one retrain per S seconds (default 86400)\n"
    "  --hook-timeout S          kill a hook after S seconds (default 300)\n"
    "  --lock-timeout S          wait at most S seconds for another run's lock (default 60)\n"
    "\n"
    "exit codes: 0 no drift, 1 low or medium drift, 2 high, 3 could not run\n";

typedef struct monitor_args {
    const char *baseline, *current, *model, *sensitivity, *window;
    const char *returns, *baseline_returns, *baseline_sharpe, *baseline_max_dd, *baseline_win_rate;
    const char *periods_per_year;
    const char *errors, *baseline_errors;
    const char *report_dir, *log;
    const char *history_max, *log_max_bytes, *log_keep, *prometheus, *plot;
    const char *alert_cmd, *alert_min_severity, *alert_cooldown;
    const char *retrain_cmd, *retrain_cooldown, *hook_timeout, *lock_timeout;
    const char *settings[64];
    int n_settings;
    int json, quiet, auto_retrain;
} monitor_args;

/* --flag VALUE or --flag=VALUE; returns the value or NULL (and complains). */
static const char *option_value(int argc, char **argv, int *i, const char *flag)
{
    size_t n = strlen(flag);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc) {
        complain("%s needs a value", flag);
        return NULL;
    }
    return argv[++*i];
}

static int flag_is(const char *arg, const char *flag)
{
    size_t n = strlen(flag);
    return strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* 0, 1 for --help, -1 for a usage error (already reported). */
static int parse_args(int argc, char **argv, monitor_args *a)
{
    static const struct {
        const char *flag;
        size_t offset;
    } valued[] = {
        {"--baseline", offsetof(monitor_args, baseline)},
        {"--current", offsetof(monitor_args, current)},
        {"--model", offsetof(monitor_args, model)},
        {"--sensitivity", offsetof(monitor_args, sensitivity)},
        {"--window", offsetof(monitor_args, window)},
        {"--report-dir", offsetof(monitor_args, report_dir)},
        {"--log", offsetof(monitor_args, log)},
        {"--returns", offsetof(monitor_args, returns)},
        {"--baseline-returns", offsetof(monitor_args, baseline_returns)},
        {"--baseline-sharpe", offsetof(monitor_args, baseline_sharpe)},
        {"--baseline-max-dd", offsetof(monitor_args, baseline_max_dd)},
        {"--baseline-win-rate", offsetof(monitor_args, baseline_win_rate)},
        {"--periods-per-year", offsetof(monitor_args, periods_per_year)},
        {"--errors", offsetof(monitor_args, errors)},
        {"--baseline-errors", offsetof(monitor_args, baseline_errors)},
        {"--history-max", offsetof(monitor_args, history_max)},
        {"--log-max-bytes", offsetof(monitor_args, log_max_bytes)},
        {"--log-keep", offsetof(monitor_args, log_keep)},
        {"--prometheus", offsetof(monitor_args, prometheus)},
        {"--plot", offsetof(monitor_args, plot)},
        {"--alert-cmd", offsetof(monitor_args, alert_cmd)},
        {"--alert-min-severity", offsetof(monitor_args, alert_min_severity)},
        {"--alert-cooldown", offsetof(monitor_args, alert_cooldown)},
        {"--retrain-cmd", offsetof(monitor_args, retrain_cmd)},
        {"--retrain-cooldown", offsetof(monitor_args, retrain_cooldown)},
        {"--hook-timeout", offsetof(monitor_args, hook_timeout)},
        {"--lock-timeout", offsetof(monitor_args, lock_timeout)},
    };
    a->report_dir = "reports";
    a->log = "logs/drift_events.jsonl";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return 1;
        if (strcmp(arg, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(arg, "--auto-retrain") == 0) {
            a->auto_retrain = 1;
            continue;
        }
        if (flag_is(arg, "--set")) {
            const char *v = option_value(argc, argv, &i, "--set");
            if (v == NULL)
                return -1;
            if (a->n_settings == (int)(sizeof a->settings / sizeof a->settings[0])) {
                complain("too many --set options");
                return -1;
            }
            a->settings[a->n_settings++] = v;
            continue;
        }
        size_t k = 0;
        while (k < sizeof valued / sizeof valued[0] && !flag_is(arg, valued[k].flag))
            k++;
        if (k == sizeof valued / sizeof valued[0]) {
            complain("monitor: unknown option '%s' (see pdrift monitor --help)", arg);
            return -1;
        }
        const char *v = option_value(argc, argv, &i, valued[k].flag);
        if (v == NULL)
            return -1;
        *(const char **)((char *)a + valued[k].offset) = v;
    }
    int explicit_perf = a->baseline_sharpe || a->baseline_max_dd || a->baseline_win_rate;
    if ((a->baseline == NULL) != (a->current == NULL) ||
        (a->baseline == NULL && a->returns == NULL && a->errors == NULL)) {
        complain("monitor: --baseline and --current are required (or --returns with a baseline "
                 "performance, or --errors with --baseline-errors; see pdrift monitor --help)");
        return -1;
    }
    /* --errors alone is fine with a --baseline snapshot that holds the
     * validation errors (checked once it is loaded). */
    if ((a->baseline_errors && a->errors == NULL) || (a->errors && a->baseline_errors == NULL && a->baseline == NULL)) {
        complain("monitor: --errors and --baseline-errors go together");
        return -1;
    }
    if (a->baseline_returns && explicit_perf) {
        complain("monitor: --baseline-returns or --baseline-sharpe/-max-dd/-win-rate, not both");
        return -1;
    }
    if ((a->baseline_returns || explicit_perf) && a->returns == NULL) {
        complain("monitor: a baseline performance needs the live --returns to compare with");
        return -1;
    }
    if (a->retrain_cmd && !a->auto_retrain) {
        complain("monitor: --retrain-cmd runs only with --auto-retrain");
        return -1;
    }
    if (a->report_dir[0] == '\0') {
        complain("monitor: --report-dir must name a directory");
        return -1;
    }
    return 0;
}

static double result_value_of(const pdrift_monitor *m, pdrift_result_key key)
{
    double v = NAN;
    pdrift_result_get(m, key, &v);
    return v;
}

/* The numeric options of the outputs and hooks, checked. */
typedef struct output_opts {
    long history_max;
    long long log_max_bytes;
    int log_keep;
    int alert_min;            /* severity rank */
    double alert_cooldown, retrain_cooldown, hook_timeout, lock_timeout;
} output_opts;

static int number_in(const char *flag, const char *text, double lo, double hi, double *out)
{
    if (text == NULL)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(v >= lo && v <= hi)) {
        complain("%s: '%s' is not a number from %g to %g", flag, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_output_opts(const monitor_args *a, output_opts *o)
{
    double history_max = 1000, log_max = 10485760, keep = 5;
    o->alert_cooldown = o->retrain_cooldown = 86400;
    o->hook_timeout = 300;
    o->lock_timeout = 60;
    o->alert_min = 2;
    if (number_in("--history-max", a->history_max, 1, 1e9, &history_max) ||
        number_in("--log-max-bytes", a->log_max_bytes, 0, 9e18, &log_max) ||
        number_in("--log-keep", a->log_keep, 0, 1000, &keep) ||
        number_in("--alert-cooldown", a->alert_cooldown, 0, 1e10, &o->alert_cooldown) ||
        number_in("--retrain-cooldown", a->retrain_cooldown, 0, 1e10, &o->retrain_cooldown) ||
        number_in("--hook-timeout", a->hook_timeout, 0.1, 1e6, &o->hook_timeout) ||
        number_in("--lock-timeout", a->lock_timeout, 0, 1e6, &o->lock_timeout))
        return -1;
    o->history_max = (long)history_max;
    o->log_max_bytes = (long long)log_max;
    o->log_keep = (int)keep;
    if (a->alert_min_severity != NULL) {
        o->alert_min = severity_rank(a->alert_min_severity);
        if (o->alert_min < 1) {
            complain("--alert-min-severity must be low, medium or high, not '%s'", a->alert_min_severity);
            return -1;
        }
    }
    return 0;
}

/* Apply one NAME=VALUE to the config, by the library's parameter names. */
int apply_setting(pdrift_config *cfg, const char *setting)
{
    const char *eq = strchr(setting, '=');
    if (eq == NULL || eq == setting) {
        complain("--set %s: expected NAME=VALUE", setting);
        return -1;
    }
    char name[64];
    size_t n = (size_t)(eq - setting);
    if (n >= sizeof name) {
        complain("--set %s: unknown parameter", setting);
        return -1;
    }
    memcpy(name, setting, n);
    name[n] = '\0';
    pdrift_param p;
    pdrift_param_type type;
    double lo, hi;
    if (pdrift_param_from_name(name, &p) != PDRIFT_OK ||
        pdrift_param_bounds(p, &type, &lo, &hi) != PDRIFT_OK) {
        complain("--set: unknown parameter '%s'", name);
        return -1;
    }
    char *end;
    errno = 0;
    int rc;
    if (type == PDRIFT_PARAM_TYPE_INT) {
        long long v = strtoll(eq + 1, &end, 10);
        rc = (end == eq + 1 || *end != '\0' || errno) ? PDRIFT_ERANGE : pdrift_config_set_int(cfg, p, v);
    } else {
        double v = strtod(eq + 1, &end);
        rc = (end == eq + 1 || *end != '\0') ? PDRIFT_ERANGE : pdrift_config_set_double(cfg, p, v);
    }
    if (rc != PDRIFT_OK) {
        complain("--set %s: %s (accepted: %s from %g to %g)", setting,
                 pdrift_strerror((pdrift_status)rc), type == PDRIFT_PARAM_TYPE_INT ? "integers" : "numbers",
                 lo, hi);
        return -1;
    }
    return 0;
}

static int build_config(const monitor_args *a, pdrift_config **out)
{
    pdrift_config *cfg;
    if (pdrift_config_new(&cfg) != PDRIFT_OK) {
        complain("out of memory");
        return -1;
    }
    /* A cron run uses a few blocks of a snapshot's values: map it, check
     * what is used (--set snapshot_map=0 reads and checks it whole); and it
     * has the machine to itself: the features are tested on every CPU
     * (--set threads=1 keeps to one). */
    (void)pdrift_config_set_int(cfg, PDRIFT_PARAM_SNAPSHOT_MAP, 1);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    (void)pdrift_config_set_int(cfg, PDRIFT_PARAM_THREADS, cpus < 1 ? 1 : cpus > 64 ? 64 : cpus);
    if (a->sensitivity != NULL) {
        static const char *const levels[] = {"low", "medium", "high"};
        long long level = -1;
        for (int i = 0; i < 3; i++)
            if (strcmp(a->sensitivity, levels[i]) == 0)
                level = i;
        if (level < 0 || pdrift_config_set_int(cfg, PDRIFT_PARAM_SENSITIVITY, level) != PDRIFT_OK) {
            complain("--sensitivity must be low, medium or high, not '%s'", a->sensitivity);
            pdrift_config_free(cfg);
            return -1;
        }
    }
    if (a->periods_per_year != NULL) {
        char setting[64];
        snprintf(setting, sizeof setting, "periods_per_year=%s", a->periods_per_year);
        if (apply_setting(cfg, setting) != 0) {
            pdrift_config_free(cfg);
            return -1;
        }
    }
    if (a->window != NULL) {
        char setting[64];
        snprintf(setting, sizeof setting, "window_size=%s", a->window);
        if (apply_setting(cfg, setting) != 0) {
            pdrift_config_free(cfg);
            return -1;
        }
    }
    for (int i = 0; i < a->n_settings; i++)
        if (apply_setting(cfg, a->settings[i]) != 0) {
            pdrift_config_free(cfg);
            return -1;
        }
    *out = cfg;
    return 0;
}

char *report_text(const pdrift_monitor *m)
{
    size_t len = 0;
    if (pdrift_report_json(m, NULL, 0, &len) != PDRIFT_ENOBUFS) {
        complain("no report to write");
        return NULL;
    }
    char *buf = malloc(len);
    if (buf == NULL || pdrift_report_json(m, buf, len, &len) != PDRIFT_OK) {
        complain("out of memory for the report");
        free(buf);
        return NULL;
    }
    return buf;
}

/* DIR/name, malloc'd. */
static char *dir_file(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static const char *str_of(const cJSON *o, const char *key, const char *fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : fallback;
}

/* SPEC §6, CLI only: medium or worse data drift in 3 of the last 5 runs
 * turns watch into retrain. The report gets an "escalation" object either
 * way. Returns 1 when this run escalated. */
static int apply_escalation(cJSON *report, const cJSON *history)
{
    int matching = 0;
    int escalated = history_escalation(history, report, &matching);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddBoolToObject(e, "escalated", escalated);
    cJSON_AddStringToObject(e, "rule", "data drift of medium severity or worse in 3 of the last 5 runs "
                                       "turns watch into retrain");
    cJSON_AddNumberToObject(e, "matching_runs", matching);
    cJSON_AddNumberToObject(e, "of_last", ESCALATE_OF_LAST);
    cJSON_AddNumberToObject(e, "needed", ESCALATE_RUNS);
    if (escalated) {
        cJSON_AddStringToObject(e, "action_before", "watch");
        cJSON_ReplaceItemInObjectCaseSensitive(report, "action", cJSON_CreateString("retrain"));
        char text[200];
        snprintf(text, sizeof text, "Persistent data drift (medium or worse in %d of the last %d runs): "
                 "retrain the model on recent data", matching, ESCALATE_OF_LAST);
        cJSON *recs = cJSON_GetObjectItemCaseSensitive(report, "recommendations");
        if (cJSON_IsArray(recs))
            cJSON_InsertItemInArray(recs, 0, cJSON_CreateString(text));
    }
    cJSON_AddItemToObject(report, "escalation", e);
    return escalated;
}

static cJSON *outcome_json(const char *status, const hook_outcome *h, double cooldown_left)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", h ? h->status : status);
    if (h != NULL) {
        if (h->exit_status >= 0)
            cJSON_AddNumberToObject(o, "exit_status", h->exit_status);
        else
            cJSON_AddNullToObject(o, "exit_status");
        cJSON_AddNumberToObject(o, "seconds", floor(h->seconds * 1000 + 0.5) / 1000);
        cJSON_AddStringToObject(o, "message", h->message);
    }
    if (cooldown_left > 0)
        cJSON_AddNumberToObject(o, "cooldown_remaining", floor(cooldown_left + 0.5));
    return o;
}

/* The alert and retrain hooks; their outcomes go into run (alert,
 * retrain). -1 when the retrain marker cannot be written (reported). */
static int run_hooks(const monitor_args *a, const output_opts *o, const cJSON *history, const cJSON *report,
                     const char *report_path, cJSON *run)
{
    const char *severity = str_of(report, "severity", "none");
    const char *action = str_of(report, "action", "continue");
    hook_spec h = {.report_path = report_path, .severity = severity,
                   .type = str_of(report, "drift_type", ""), .action = action,
                   .model = str_of(report, "model", ""), .timeout = o->hook_timeout};
    double left = 0;
    hook_outcome out;
    /* alert */
    cJSON *alert;
    if (a->alert_cmd == NULL)
        alert = outcome_json("not_configured", NULL, 0);
    else if (severity_rank(severity) < o->alert_min)
        alert = outcome_json("below_threshold", NULL, 0);
    else if (history_in_cooldown(history, "last_alert", report, o->alert_cooldown, 1, &left))
        alert = outcome_json("cooldown", NULL, left);
    else {
        h.name = "alert";
        h.command = a->alert_cmd;
        h.ok_status = "sent";
        hook_run(&h, &out);
        if (strcmp(out.status, "sent") != 0)
            complain("alert command %s", out.message);
        alert = outcome_json(NULL, &out, 0);
    }
    cJSON_AddItemToObject(run, "alert", alert);
    /* retrain */
    int wanted = strcmp(action, "retrain") == 0 || strcmp(action, "fallback") == 0;
    cJSON *retrain;
    int rc = 0;
    if (!a->auto_retrain)
        retrain = outcome_json("disabled", NULL, 0);
    else if (!wanted)
        retrain = outcome_json("not_needed", NULL, 0);
    else if (history_in_cooldown(history, "last_retrain", report, o->retrain_cooldown, 0, &left))
        retrain = outcome_json("cooldown", NULL, left);
    else {
        /* the marker a training pipeline can poll for, then the command */
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "requested_at", str_of(report, "generated_at", ""));
        cJSON_AddItemToObject(m, "model", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(report, "model"), 1));
        cJSON_AddStringToObject(m, "severity", severity);
        cJSON_AddStringToObject(m, "drift_type", h.type);
        cJSON_AddStringToObject(m, "action", action);
        cJSON_AddStringToObject(m, "report", report_path);
        const cJSON *recs = cJSON_GetObjectItemCaseSensitive(report, "recommendations");
        cJSON_AddItemToObject(m, "recommendations", cJSON_Duplicate(recs, 1));
        char *text = cJSON_Print(m);
        cJSON_Delete(m);
        char *marker = dir_file(a->report_dir, "retrain_requested.json");
        if (text == NULL || marker == NULL || write_file_atomic(marker, text, strlen(text)) != 0) {
            complain("cannot write %s: %s", marker ? marker : "the retrain marker", strerror(errno));
            rc = -1;
        }
        cJSON_free(text);
        free(marker);
        if (rc == 0 && a->retrain_cmd != NULL) {
            h.name = "retrain";
            h.command = a->retrain_cmd;
            h.ok_status = "started";
            hook_run(&h, &out);
            if (strcmp(out.status, "started") != 0)
                complain("retrain command %s", out.message);
            retrain = outcome_json(NULL, &out, 0);
        } else {
            retrain = outcome_json(rc == 0 ? "requested" : "failed", NULL, 0);
        }
    }
    cJSON_AddItemToObject(run, "retrain", retrain);
    return rc;
}

/* One compact JSON line for the event log. */
static char *event_line(const cJSON *report, const cJSON *run, const char *report_path)
{
    cJSON *e = cJSON_CreateObject();
    if (e == NULL)
        return NULL;
    static const char *const copied[] = {"generated_at", "model", "drift_type", "drift_types",
                                         "severity", "action"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(report, copied[i]);
        if (item != NULL)
            cJSON_AddItemToObject(e, i == 0 ? "timestamp" : copied[i], cJSON_Duplicate(item, 1));
    }
    cJSON_AddBoolToObject(e, "escalated", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(run, "escalated")));
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(report, "data_drift");
    static const char *const data_keys[] = {"psi_max", "n_drifted", "drifted_features"};
    for (size_t i = 0; data != NULL && i < sizeof data_keys / sizeof data_keys[0]; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(data, data_keys[i]);
        if (item != NULL)
            cJSON_AddItemToObject(e, data_keys[i], cJSON_Duplicate(item, 1));
    }
    static const char *const hooks[] = {"alert", "retrain"};
    for (size_t i = 0; i < 2; i++)
        cJSON_AddItemToObject(e, hooks[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(run, hooks[i]), 1));
    cJSON_AddStringToObject(e, "report", report_path);
    char *line = json_print_exact(e, 0);
    cJSON_Delete(e);
    return line;
}

/* The event line, with rotation first. 0 or -1 (reported). */
static int log_event(const monitor_args *a, const output_opts *o, const cJSON *report, const cJSON *run,
                     const char *report_path)
{
    if (a->log[0] == '\0')
        return 0;
    char *line = event_line(report, run, report_path);
    int rc = -1;
    if (line == NULL)
        complain("cannot append to %s: out of memory", a->log);
    else if (make_parent_dirs(a->log) != 0 ||
             rotate_if_needed(a->log, o->log_max_bytes, o->log_keep, strlen(line) + 1) != 0 ||
             append_line(a->log, line) != 0)
        complain("cannot append to %s: %s", a->log, strerror(errno));
    else
        rc = 0;
    cJSON_free(line);
    return rc;
}

/* Everything this run writes, under the report directory's lock. The
 * printed report (with the escalation) is returned in *final. 0 or -1
 * (reported); each file is replaced atomically, so a failure leaves the
 * previous version whole. */
static int write_outputs(const monitor_args *a, const output_opts *o, cJSON *history, const char *report_text_,
                         char **final, int *escalated)
{
    char *latest = dir_file(a->report_dir, "drift_monitoring_latest.json");
    char *hist_path = dir_file(a->report_dir, "drift_report.json");
    cJSON *report = cJSON_Parse(report_text_);
    int rc = -1;
    char err[512] = "";
    if (latest == NULL || hist_path == NULL || report == NULL) {
        complain("out of memory");
        goto out;
    }
    *escalated = apply_escalation(report, history);
    *final = json_print_exact(report, 1);
    if (*final == NULL || write_file_atomic(latest, *final, strlen(*final)) != 0) {
        complain("cannot write %s: %s", latest, *final ? strerror(errno) : "out of memory");
        goto out;
    }
    cJSON *run = history_run_from_report(report);
    if (run == NULL) {
        complain("out of memory");
        goto out;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(run, "escalated", cJSON_CreateBool(*escalated));
    int hooks_rc = run_hooks(a, o, history, report, latest, run);
    int drift = severity_rank(str_of(report, "severity", "none")) > 0;
    int log_rc = drift ? log_event(a, o, report, run, latest) : 0;
    history_add_run(history, run, o->history_max);
    char *text = json_print_exact(history, 1);
    if (text == NULL || write_file_atomic(hist_path, text, strlen(text)) != 0) {
        complain("cannot write %s: %s", hist_path, text ? strerror(errno) : "out of memory");
        cJSON_free(text);
        goto out;
    }
    cJSON_free(text);
    if (hooks_rc != 0 || log_rc != 0)
        goto out;
    if (a->prometheus != NULL &&
        (make_parent_dirs(a->prometheus) != 0 ||
         write_prometheus(a->prometheus, report, cJSON_GetObjectItemCaseSensitive(history, "summary"), err,
                          sizeof err) != 0)) {
        complain("%s", err[0] ? err : strerror(errno));
        goto out;
    }
    if (a->plot != NULL &&
        (make_parent_dirs(a->plot) != 0 || plot_history(a->plot, history, err, sizeof err) != 0)) {
        complain("%s", err[0] ? err : strerror(errno));
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(report);
    free(latest);
    free(hist_path);
    return rc;
}

/* Notes the library made while reading (skipped columns, derived features). */
static void print_notes(const char *report)
{
    cJSON *r = cJSON_Parse(report);
    cJSON *notes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "data_drift"), "notes");
    const cJSON *note;
    cJSON_ArrayForEach(note, notes) if (cJSON_IsString(note))
        fprintf(stderr, "pdrift: note: %s\n", note->valuestring);
    cJSON_Delete(r);
}

/* A number from the command line; 0 or -1 (reported). */
static int parse_number(const char *flag, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v)) {
        complain("%s: '%s' is not a number", flag, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* The baseline performance and the live returns. *note says how a
 * drawdown or win rate given on the command line was read. */
static int load_performance(pdrift_monitor *m, const monitor_args *a, char *note, size_t cap)
{
    int rc = PDRIFT_OK;
    if (a->baseline_returns && (rc = pdrift_baseline_returns_load(m, a->baseline_returns)) != PDRIFT_OK)
        return rc;
    if (a->baseline_sharpe || a->baseline_max_dd || a->baseline_win_rate) {
        double sharpe = NAN, dd = NAN, win = NAN;
        if ((a->baseline_sharpe && parse_number("--baseline-sharpe", a->baseline_sharpe, &sharpe)) ||
            (a->baseline_max_dd && parse_number("--baseline-max-dd", a->baseline_max_dd, &dd)) ||
            (a->baseline_win_rate && parse_number("--baseline-win-rate", a->baseline_win_rate, &win)))
            return PDRIFT_EINVAL;
        size_t used = 0;
        /* The operator guide writes {'sharpe': 1.5, 'max_dd': -12.0}: percent. */
        if (!isnan(dd) && fabs(dd) > 1.0) {
            used += (size_t)snprintf(note + used, cap - used, "--baseline-max-dd %s read as %g%% "
                                     "(%g)", a->baseline_max_dd, dd, -fabs(dd) / 100);
            dd /= 100;
        }
        if (!isnan(dd))
            dd = -fabs(dd);
        if (!isnan(win) && win > 1.0 && used < cap) {
            snprintf(note + used, cap - used, "%s--baseline-win-rate %s read as %g%% (%g)",
                     used ? "; " : "", a->baseline_win_rate, win, win / 100);
            win /= 100;
        }
        if ((rc = pdrift_baseline_metrics(m, sharpe, dd, win)) != PDRIFT_OK)
            return rc;
    }
    if (a->returns && (rc = pdrift_observe_returns_load(m, a->returns)) != PDRIFT_OK)
        return rc;
    if (a->baseline_errors && (rc = pdrift_baseline_errors_load(m, a->baseline_errors)) != PDRIFT_OK)
        return rc;
    if (a->errors && (rc = pdrift_observe_errors_load(m, a->errors)) != PDRIFT_OK)
        return rc;
    return PDRIFT_OK;
}

int cmd_monitor(int argc, char **argv)
{
    monitor_args a;
    memset(&a, 0, sizeof a);
    int parsed = parse_args(argc, argv, &a);
    if (parsed != 0) {
        fputs(monitor_usage, parsed > 0 ? stdout : stderr);
        return parsed > 0 ? 0 : EXIT_CANNOT_RUN;
    }
    output_opts opts;
    if (parse_output_opts(&a, &opts) != 0)
        return EXIT_CANNOT_RUN;
    pdrift_config *cfg;
    if (build_config(&a, &cfg) != 0)
        return EXIT_CANNOT_RUN;
    pdrift_monitor *m = NULL;
    int rc = pdrift_monitor_new(&m, cfg);
    pdrift_config_free(cfg);
    if (rc != PDRIFT_OK) {
        complain("%s", pdrift_strerror((pdrift_status)rc));
        return EXIT_CANNOT_RUN;
    }

    int code = EXIT_CANNOT_RUN, lock = -1;
    char *report = NULL, *final = NULL, *hist_path = NULL;
    char perf_note[256] = "";
    char err[1024] = "";
    cJSON *history = NULL;
    /* Read and decide first: bad input stops here, before any file is touched. */
    if ((rc = pdrift_monitor_set_model(m, a.model)) != PDRIFT_OK ||
        (a.baseline && (rc = pdrift_baseline_load(m, a.baseline)) != PDRIFT_OK) ||
        (a.current && (rc = pdrift_observe_load(m, a.current)) != PDRIFT_OK) ||
        (rc = load_performance(m, &a, perf_note, sizeof perf_note)) != PDRIFT_OK ||
        (rc = pdrift_detect(m)) != PDRIFT_OK) {
        if (rc != PDRIFT_EINVAL || *pdrift_errmsg(m))
            complain("%s", *pdrift_errmsg(m) ? pdrift_errmsg(m) : pdrift_strerror((pdrift_status)rc));
        goto out;
    }
    if (a.errors && a.baseline_errors == NULL && result_value_of(m, PDRIFT_RESULT_N_ERRORS_REFERENCE) == 0) {
        complain("--errors: %s holds no validation errors; give --baseline-errors FILE (or build the "
                 "snapshot with pdrift baseline --errors FILE)", a.baseline);
        goto out;
    }
    /* One run at a time per report directory: an overlapping cron run waits
     * here, then reads the history the other one wrote. */
    if (make_dirs(a.report_dir) != 0) {
        complain("cannot create %s: %s", a.report_dir, strerror(errno));
        goto out;
    }
    if (lock_dir(a.report_dir, opts.lock_timeout, &lock) != 0) {
        if (errno == EWOULDBLOCK)
            complain("another pdrift run holds %s/.pdrift.lock (waited %g s; --lock-timeout)", a.report_dir,
                     opts.lock_timeout);
        else
            complain("cannot lock %s/.pdrift.lock: %s", a.report_dir, strerror(errno));
        goto out;
    }
    hist_path = dir_file(a.report_dir, "drift_report.json");
    history = hist_path ? history_load(hist_path, err, sizeof err) : NULL;
    if (history == NULL) {
        complain("%s", err[0] ? err : "out of memory");
        goto out;
    }
    if (perf_note[0] != '\0' && !a.quiet)
        fprintf(stderr, "pdrift: note: %s\n", perf_note);
    pdrift_severity severity;
    pdrift_result_severity(m, &severity);
    int escalated = 0;
    if ((report = report_text(m)) == NULL || write_outputs(&a, &opts, history, report, &final, &escalated) != 0)
        goto out;

    if (!a.quiet)
        print_notes(report); /* context first: what was read and how */
    if (a.json) {
        fputs(final, stdout);
        fputc('\n', stdout);
    } else if (!a.quiet) {
        char path[4096];
        snprintf(path, sizeof path, "%s/drift_monitoring_latest.json", a.report_dir);
        print_summary(stdout, m, path);
        if (escalated)
            printf("  Escalated: data drift of medium severity or worse in %d of the last %d runs: "
                   "action WATCH -> RETRAIN\n", ESCALATE_RUNS, ESCALATE_OF_LAST);
    }
    code = exit_code_for(severity);
out:
    if (a.plot != NULL)
        plot_release();
    unlock_dir(lock);
    cJSON_Delete(history);
    free(hist_path);
    free(report);
    cJSON_free(final);
    pdrift_monitor_free(m);
    return code;
}
