/*
 * cmd_monitor.c — pdrift monitor: one monitoring check, as cron runs it.
 *
 * Loads the baseline and the current data, detects, writes the report
 * (atomically) to REPORT_DIR/drift_monitoring_latest.json, appends one line
 * per drift event to the event log, prints a human summary (or the report
 * with --json) and exits with the severity's code.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "  --set NAME=VALUE      any library parameter, e.g. --set psi_bins=20\n"
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
    "  --report-dir DIR      where drift_monitoring_latest.json goes (default reports)\n"
    "  --log FILE            drift event log, one JSON line per event\n"
    "                        (default logs/drift_events.jsonl)\n"
    "  --json                print the JSON report on stdout instead of the summary\n"
    "  --quiet               print nothing but errors; the exit code tells\n"
    "\n"
    "exit codes: 0 no drift, 1 low or medium drift, 2 high, 3 could not run\n";

typedef struct monitor_args {
    const char *baseline, *current, *model, *sensitivity, *window;
    const char *returns, *baseline_returns, *baseline_sharpe, *baseline_max_dd, *baseline_win_rate;
    const char *periods_per_year;
    const char *errors, *baseline_errors;
    const char *report_dir, *log;
    const char *settings[64];
    int n_settings;
    int json, quiet;
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
    if ((a->errors == NULL) != (a->baseline_errors == NULL)) {
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
    return 0;
}

/* Apply one NAME=VALUE to the config, by the library's parameter names. */
static int apply_setting(pdrift_config *cfg, const char *setting)
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

/* One compact JSON line for the event log, from the report. */
static char *event_line(const char *report, const char *report_path)
{
    cJSON *r = cJSON_Parse(report);
    if (r == NULL)
        return NULL;
    cJSON *e = cJSON_CreateObject();
    static const char *const copied[] = {"generated_at", "model", "drift_type", "drift_types",
                                         "severity", "action"};
    for (size_t i = 0; e != NULL && i < sizeof copied / sizeof copied[0]; i++) {
        cJSON *item = cJSON_GetObjectItemCaseSensitive(r, copied[i]);
        if (item != NULL)
            cJSON_AddItemToObject(e, i == 0 ? "timestamp" : copied[i], cJSON_Duplicate(item, 1));
    }
    cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data_drift");
    static const char *const data_keys[] = {"psi_max", "n_drifted", "drifted_features"};
    for (size_t i = 0; e != NULL && data != NULL && i < sizeof data_keys / sizeof data_keys[0]; i++) {
        cJSON *item = cJSON_GetObjectItemCaseSensitive(data, data_keys[i]);
        if (item != NULL)
            cJSON_AddItemToObject(e, data_keys[i], cJSON_Duplicate(item, 1));
    }
    if (e != NULL)
        cJSON_AddStringToObject(e, "report", report_path);
    char *line = e != NULL ? cJSON_PrintUnformatted(e) : NULL;
    cJSON_Delete(e);
    cJSON_Delete(r);
    return line;
}

/* Write the report and, on drift, the event line. 0 or -1 (reported). */
static int save_outputs(const monitor_args *a, const char *report, pdrift_severity severity)
{
    size_t n = strlen(a->report_dir) + 64;
    char *path = malloc(n);
    if (path == NULL)
        return -1;
    snprintf(path, n, "%s/drift_monitoring_latest.json", a->report_dir);
    int rc = 0;
    if (make_dirs(a->report_dir) != 0 || write_file_atomic(path, report, strlen(report)) != 0) {
        complain("cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && severity > PDRIFT_SEVERITY_NONE && a->log[0] != '\0') {
        char *line = event_line(report, path);
        if (line == NULL || make_parent_dirs(a->log) != 0 || append_line(a->log, line) != 0) {
            complain("cannot append to %s: %s", a->log, line ? strerror(errno) : "out of memory");
            rc = -1;
        }
        cJSON_free(line);
    }
    free(path);
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

    int code = EXIT_CANNOT_RUN;
    char *report = NULL;
    char perf_note[256] = "";
    if ((rc = pdrift_monitor_set_model(m, a.model)) != PDRIFT_OK ||
        (a.baseline && (rc = pdrift_baseline_load(m, a.baseline)) != PDRIFT_OK) ||
        (a.current && (rc = pdrift_observe_load(m, a.current)) != PDRIFT_OK) ||
        (rc = load_performance(m, &a, perf_note, sizeof perf_note)) != PDRIFT_OK ||
        (rc = pdrift_detect(m)) != PDRIFT_OK) {
        if (rc != PDRIFT_EINVAL || *pdrift_errmsg(m))
            complain("%s", *pdrift_errmsg(m) ? pdrift_errmsg(m) : pdrift_strerror((pdrift_status)rc));
        goto out;
    }
    if (perf_note[0] != '\0' && !a.quiet)
        fprintf(stderr, "pdrift: note: %s\n", perf_note);
    pdrift_severity severity;
    pdrift_result_severity(m, &severity);
    if ((report = report_text(m)) == NULL || save_outputs(&a, report, severity) != 0)
        goto out;

    if (!a.quiet)
        print_notes(report); /* context first: what was read and how */
    if (a.json) {
        fputs(report, stdout);
        fputc('\n', stdout);
    } else if (!a.quiet) {
        char path[4096];
        snprintf(path, sizeof path, "%s/drift_monitoring_latest.json", a.report_dir);
        print_summary(stdout, m, path);
    }
    code = exit_code_for(severity);
out:
    free(report);
    pdrift_monitor_free(m);
    return code;
}
