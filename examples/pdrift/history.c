/*
 * history.c — REPORT_DIR/drift_report.json: every run and a summary across
 * runs (docs/operations.md, "The history").
 *
 * The file is the whole truth: each cron run loads it, adds its run and
 * writes it back atomically, under the report directory's lock. The list of
 * runs is bounded (--history-max, oldest dropped first); the summary keeps
 * running totals, so dropping old runs loses no count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *const SEVERITIES[4] = {"none", "low", "medium", "high"};
static const char *const TYPES[3] = {"data", "concept", "model"};
static const char *const ACTIONS[4] = {"continue", "watch", "retrain", "fallback"};

/* ---- small cJSON helpers ------------------------------------------------------------ */

static cJSON *get(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double get_num(const cJSON *o, const char *key, double fallback)
{
    const cJSON *v = get(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

/* Copy o[key] into dst under name (null when absent). */
static void copy_item(cJSON *dst, const char *name, const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    cJSON_AddItemToObject(dst, name, v != NULL ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

int severity_rank(const char *s)
{
    for (int i = 0; s != NULL && i < 4; i++)
        if (strcmp(s, SEVERITIES[i]) == 0)
            return i;
    return -1;
}

/* Counter object {"a": 0, "b": 0, ...}. */
static cJSON *counters(const char *const *names, int n)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; o != NULL && i < n; i++)
        cJSON_AddNumberToObject(o, names[i], 0);
    return o;
}

static void bump(cJSON *obj, const char *key)
{
    cJSON *v = get(obj, key);
    if (cJSON_IsNumber(v))
        cJSON_SetNumberValue(v, v->valuedouble + 1);
    else if (obj != NULL)
        cJSON_AddNumberToObject(obj, key, 1);
}

/* Make sure the summary has every key (a history written by an older
 * version may lack some). */
static void complete_summary(cJSON *s)
{
    static const char *const numbers[] = {"total_checks", "drift_events", "drift_rate", "alerts",
                                          "retrains", "escalations", "runs_dropped"};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (!cJSON_IsNumber(get(s, numbers[i]))) {
            cJSON_DeleteItemFromObjectCaseSensitive(s, numbers[i]);
            cJSON_AddNumberToObject(s, numbers[i], 0);
        }
    struct { const char *key; const char *const *names; int n; } groups[] = {
        {"by_type", TYPES, 3}, {"by_severity", SEVERITIES, 4}, {"by_action", ACTIONS, 4}};
    for (size_t i = 0; i < 3; i++)
        if (!cJSON_IsObject(get(s, groups[i].key))) {
            cJSON_DeleteItemFromObjectCaseSensitive(s, groups[i].key);
            cJSON_AddItemToObject(s, groups[i].key, counters(groups[i].names, groups[i].n));
        }
    static const char *const stamps[] = {"first_check", "last_check", "last_drift"};
    for (size_t i = 0; i < 3; i++)
        if (get(s, stamps[i]) == NULL)
            cJSON_AddNullToObject(s, stamps[i]);
    static const char *const lasts[] = {"last_alert", "last_retrain"};
    for (size_t i = 0; i < 2; i++)
        if (get(s, lasts[i]) == NULL)
            cJSON_AddNullToObject(s, lasts[i]);
}

/* ---- loading -------------------------------------------------------------------------- */

/* Line and column (1-based) of position pos in text. */
static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

cJSON *history_load(const char *path, char *err, size_t cap)
{
    size_t len = 0;
    char *text = NULL;
    int rc = read_file(path, &text, &len);
    if (rc != 0 && errno == ENOENT) {
        cJSON *h = cJSON_CreateObject();
        if (h != NULL) {
            cJSON_AddNumberToObject(h, "schema_version", 1);
            cJSON_AddNullToObject(h, "updated_at");
            cJSON *s = cJSON_AddObjectToObject(h, "summary");
            complete_summary(s);
            cJSON_AddArrayToObject(h, "runs");
        } else {
            snprintf(err, cap, "out of memory");
        }
        return h;
    }
    if (rc != 0) {
        snprintf(err, cap, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    const char *end = NULL;
    cJSON *h = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (h == NULL || !cJSON_IsObject(h)) {
        size_t line, col;
        size_t pos = end != NULL && end >= text ? (size_t)(end - text) : 0;
        if (h != NULL)
            pos = 0;
        line_col(text, pos, &line, &col);
        snprintf(err, cap, "%s: line %zu column %zu: %s; move the file away to start a new history",
                 path, line, col, h == NULL ? "not valid JSON" : "expected a JSON object");
        cJSON_Delete(h);
        free(text);
        return NULL;
    }
    free(text);
    const cJSON *version = get(h, "schema_version");
    if (!cJSON_IsNumber(version) || version->valuedouble != 1 || !cJSON_IsArray(get(h, "runs"))) {
        snprintf(err, cap, "%s: line 1 column 1: not a pdrift history (schema_version 1 with a "
                 "\"runs\" array); move the file away to start a new history", path);
        cJSON_Delete(h);
        return NULL;
    }
    cJSON *s = get(h, "summary");
    if (!cJSON_IsObject(s)) {
        cJSON_DeleteItemFromObjectCaseSensitive(h, "summary");
        s = cJSON_AddObjectToObject(h, "summary");
    }
    complete_summary(s);
    return h;
}

/* ---- one run ---------------------------------------------------------------------------- */

cJSON *history_run_from_report(const cJSON *report)
{
    cJSON *run = cJSON_CreateObject();
    if (run == NULL)
        return NULL;
    copy_item(run, "timestamp", report, "generated_at");
    static const char *const top[] = {"model", "sensitivity", "drift_detected", "drift_types",
                                      "drift_type", "severity", "action"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        copy_item(run, top[i], report, top[i]);
    cJSON_AddBoolToObject(run, "escalated", 0);
    copy_item(run, "psi_threshold", get(report, "thresholds"), "psi");

    const cJSON *data = get(report, "data_drift");
    cJSON *d = cJSON_AddObjectToObject(run, "data");
    static const char *const data_keys[] = {"status", "severity", "psi_max", "n_drifted",
                                            "drifted_features"};
    for (size_t i = 0; i < sizeof data_keys / sizeof data_keys[0]; i++)
        copy_item(d, data_keys[i], data, data_keys[i]);
    cJSON *features = cJSON_AddArrayToObject(run, "features");
    const cJSON *f;
    cJSON_ArrayForEach(f, get(data, "features"))
    {
        cJSON *g = cJSON_CreateObject();
        copy_item(g, "name", f, "name");
        copy_item(g, "psi", f, "psi");
        copy_item(g, "ks_statistic", f, "ks_statistic");
        copy_item(g, "ks_pvalue", f, "ks_pvalue_adjusted");
        const char *st = get_str(f, "status");
        cJSON_AddBoolToObject(g, "drift", st != NULL && strcmp(st, "drift") == 0);
        copy_item(g, "severity", f, "severity");
        cJSON_AddItemToArray(features, g);
    }

    const cJSON *md = get(report, "model_drift");
    cJSON *metrics = cJSON_AddObjectToObject(run, "metrics");
    copy_item(metrics, "status", md, "status");
    static const char *const names[] = {"sharpe", "max_drawdown", "win_rate"};
    for (size_t i = 0; i < 3; i++) {
        cJSON *pair = cJSON_AddObjectToObject(metrics, names[i]);
        copy_item(pair, "baseline", get(md, "baseline"), names[i]);
        copy_item(pair, "current", get(md, "current"), names[i]);
    }
    const cJSON *cd = get(report, "concept_drift");
    cJSON *c = cJSON_AddObjectToObject(run, "concept");
    static const char *const concept_keys[] = {"status", "current_level", "severity_weight", "mean_z",
                                               "fired_at"};
    for (size_t i = 0; i < sizeof concept_keys / sizeof concept_keys[0]; i++)
        copy_item(c, concept_keys[i], cd, concept_keys[i]);
    return run;
}

/* ---- escalation --------------------------------------------------------------------------- */

/* Data drift of medium severity or worse in a run (a history run or the
 * report of this one: both have the severity at data.severity or
 * data_drift.severity). */
static int data_medium(const cJSON *run)
{
    const cJSON *d = get(run, "data");
    if (d == NULL)
        d = get(run, "data_drift");
    return severity_rank(get_str(d, "severity")) >= 2;
}

int history_escalation(const cJSON *history, const cJSON *report, int *matching)
{
    *matching = 0;
    if (!data_medium(report))
        return 0;
    const char *action = get_str(report, "action");
    int n = 1, count = 1; /* this run */
    const cJSON *runs = get(history, "runs");
    for (int i = cJSON_GetArraySize(runs) - 1; i >= 0 && n < ESCALATE_OF_LAST; i--, n++)
        count += data_medium(cJSON_GetArrayItem(runs, i));
    *matching = count;
    return count >= ESCALATE_RUNS && action != NULL && strcmp(action, "watch") == 0;
}

/* ---- cooldown --------------------------------------------------------------------------- */

int history_in_cooldown(const cJSON *history, const char *which, const cJSON *report, double cooldown,
                        int same_key_only, double *remaining)
{
    *remaining = 0;
    const cJSON *last = get(get(history, "summary"), which);
    if (!cJSON_IsObject(last) || cooldown <= 0)
        return 0;
    double then, now;
    if (iso_seconds(get_str(last, "timestamp"), &then) != 0 ||
        iso_seconds(get_str(report, "generated_at"), &now) != 0 || now - then >= cooldown || now < then)
        return 0;
    if (same_key_only) {
        /* the same alert: same type, severity and action; a worse severity is news */
        const char *keys[] = {"drift_type", "action"};
        for (int i = 0; i < 2; i++) {
            const char *a = get_str(last, keys[i]), *b = get_str(report, keys[i]);
            if (a == NULL || b == NULL || strcmp(a, b) != 0)
                return 0;
        }
        if (severity_rank(get_str(report, "severity")) > severity_rank(get_str(last, "severity")))
            return 0;
    }
    *remaining = cooldown - (now - then);
    return 1;
}

/* ---- adding a run ------------------------------------------------------------------------ */

static void set_item(cJSON *o, const char *key, cJSON *v)
{
    if (get(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

int history_add_run(cJSON *history, cJSON *run, long limit)
{
    cJSON *s = get(history, "summary");
    cJSON *runs = get(history, "runs");
    const char *ts = get_str(run, "timestamp");
    const char *sev = get_str(run, "severity");
    int drift = cJSON_IsTrue(get(run, "drift_detected"));
    bump(s, "total_checks");
    if (drift) {
        bump(s, "drift_events");
        set_item(s, "last_drift", ts ? cJSON_CreateString(ts) : cJSON_CreateNull());
    }
    if (severity_rank(sev) >= 0)
        bump(get(s, "by_severity"), sev);
    const char *action = get_str(run, "action");
    if (action != NULL)
        bump(get(s, "by_action"), action);
    const cJSON *t;
    cJSON_ArrayForEach(t, get(run, "drift_types")) if (cJSON_IsString(t)) bump(get(s, "by_type"), t->valuestring);
    if (cJSON_IsTrue(get(run, "escalated")))
        bump(s, "escalations");
    /* hooks that ran: counted, and remembered for the cooldown */
    static const char *const hooks[2][2] = {{"alert", "last_alert"}, {"retrain", "last_retrain"}};
    for (int i = 0; i < 2; i++) {
        const char *st = get_str(get(run, hooks[i][0]), "status");
        if (st == NULL || (strcmp(st, "sent") != 0 && strcmp(st, "started") != 0 && strcmp(st, "failed") != 0 && strcmp(st, "requested") != 0 &&
                           strcmp(st, "timeout") != 0))
            continue;
        bump(s, i == 0 ? "alerts" : "retrains");
        cJSON *last = cJSON_CreateObject();
        copy_item(last, "timestamp", run, "timestamp");
        copy_item(last, "severity", run, "severity");
        copy_item(last, "drift_type", run, "drift_type");
        copy_item(last, "action", run, "action");
        copy_item(last, "status", get(run, hooks[i][0]), "status");
        set_item(s, hooks[i][1], last);
    }
    double total = get_num(s, "total_checks", 0), events = get_num(s, "drift_events", 0);
    cJSON_SetNumberValue(get(s, "drift_rate"), total > 0 ? events / total : 0.0);
    if (cJSON_IsNull(get(s, "first_check")) && ts != NULL)
        set_item(s, "first_check", cJSON_CreateString(ts));
    set_item(s, "last_check", ts ? cJSON_CreateString(ts) : cJSON_CreateNull());
    set_item(history, "updated_at", ts ? cJSON_CreateString(ts) : cJSON_CreateNull());
    set_item(history, "history_limit", cJSON_CreateNumber((double)limit));

    cJSON_AddItemToArray(runs, run);
    while (limit > 0 && cJSON_GetArraySize(runs) > limit) {
        cJSON_DeleteItemFromArray(runs, 0);
        bump(s, "runs_dropped");
    }
    return 0;
}

/* ---- printing with exact numbers ------------------------------------------------------ */

/* Numbers as the library prints them: the shortest of %.15g, %.16g, %.17g
 * that reads back as the same double (cJSON's printer would accept 15 digits
 * within an ulp). Integers stay integers. */
static void exact_numbers(cJSON *item)
{
    for (cJSON *c = item->child; c != NULL; c = c->next) {
        if (cJSON_IsNumber(c)) {
            char buf[40];
            format_exact(c->valuedouble, buf, sizeof buf);
            char *raw = malloc(strlen(buf) + 1);
            if (raw == NULL)
                continue; /* stays a cJSON number: still valid JSON */
            strcpy(raw, buf);
            c->type = cJSON_Raw;
            c->valuestring = raw;
        } else if (cJSON_IsArray(c) || cJSON_IsObject(c)) {
            exact_numbers(c);
        }
    }
}

char *json_print_exact(const cJSON *item, int formatted)
{
    cJSON *copy = cJSON_Duplicate(item, 1);
    if (copy == NULL)
        return NULL;
    exact_numbers(copy);
    char *text = formatted ? cJSON_Print(copy) : cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return text;
}
