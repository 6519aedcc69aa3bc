/*
 * cmd_summary.c — pdrift summary: the history across runs
 * (REPORT_DIR/drift_report.json) in a few lines, or as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char summary_usage[] =
    "usage: pdrift summary [--report-dir DIR] [--last N] [--json]\n"
    "\n"
    "  --report-dir DIR   where drift_report.json is (default reports)\n"
    "  --last N           list the last N runs (default 10; 0 for none)\n"
    "  --json             print the summary object as JSON\n";

static const cJSON *get(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str(const cJSON *o, const char *key, const char *fallback)
{
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : fallback;
}

/* "data 2, concept 0, model 1" from a counter object. */
static void print_counts(const char *title, const cJSON *counts)
{
    printf("  %-13s", title);
    const cJSON *c;
    int first = 1;
    cJSON_ArrayForEach(c, counts)
    {
        if (!cJSON_IsNumber(c))
            continue;
        printf("%s%s %.0f", first ? "" : ", ", c->string, c->valuedouble);
        first = 0;
    }
    printf("\n");
}

int cmd_summary(int argc, char **argv)
{
    const char *dir = "reports";
    long last = 10;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(summary_usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--report-dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--last") == 0 && i + 1 < argc) {
            char *end;
            last = strtol(argv[++i], &end, 10);
            if (*end != '\0' || last < 0) {
                complain("summary: --last needs a count, not '%s'", argv[i]);
                return EXIT_CANNOT_RUN;
            }
        } else {
            complain("summary: unknown option '%s'", argv[i]);
            fputs(summary_usage, stderr);
            return EXIT_CANNOT_RUN;
        }
    }
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (path == NULL)
        return EXIT_CANNOT_RUN;
    snprintf(path, n, "%s/drift_report.json", dir);
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) {
        complain("no history: cannot read %s: %s (pdrift monitor writes it)", path, strerror(errno));
        free(path);
        return EXIT_CANNOT_RUN;
    }
    fclose(probe);
    char err[1024] = "";
    cJSON *h = history_load(path, err, sizeof err);
    free(path);
    if (h == NULL) {
        complain("%s", err);
        return EXIT_CANNOT_RUN;
    }
    const cJSON *s = get(h, "summary");
    if (json) {
        char *text = json_print_exact(s, 1);
        if (text != NULL)
            printf("%s\n", text);
        cJSON_free(text);
        cJSON_Delete(h);
        return text != NULL ? 0 : EXIT_CANNOT_RUN;
    }
    const cJSON *runs = get(h, "runs");
    int kept = cJSON_GetArraySize(runs);
    printf("Drift history (%s/drift_report.json)\n", dir);
    printf("  Checks       %.0f (from %s to %s; %d kept in the history)\n", num(s, "total_checks"),
           str(s, "first_check", "-"), str(s, "last_check", "-"), kept);
    printf("  Drift events %.0f (drift rate %.1f%%; last %s)\n", num(s, "drift_events"),
           100.0 * num(s, "drift_rate"), str(s, "last_drift", "never"));
    print_counts("By type", get(s, "by_type"));
    print_counts("By severity", get(s, "by_severity"));
    print_counts("By action", get(s, "by_action"));
    printf("  Hooks        %.0f alerts, %.0f retrains, %.0f escalations to retrain\n", num(s, "alerts"),
           num(s, "retrains"), num(s, "escalations"));
    if (last > 0 && kept > 0) {
        printf("\n  %-20s  %-8s  %-8s  %-8s  %-7s  %s\n", "run", "severity", "action", "type", "PSI max",
               "drifted features");
        for (int i = kept > last ? kept - (int)last : 0; i < kept; i++) {
            const cJSON *r = cJSON_GetArrayItem(runs, i);
            const cJSON *d = get(r, "data");
            const cJSON *psi = get(d, "psi_max");
            char psi_text[32] = "-";
            if (cJSON_IsNumber(psi))
                snprintf(psi_text, sizeof psi_text, "%.3f", psi->valuedouble);
            printf("  %-20s  %-8s  %-8s  %-8s  %-7s  ", str(r, "timestamp", "?"), str(r, "severity", "?"),
                   str(r, "action", "?"), str(r, "drift_type", "-"), psi_text);
            const cJSON *f;
            int first = 1, shown = 0, total = cJSON_GetArraySize(get(d, "drifted_features"));
            cJSON_ArrayForEach(f, get(d, "drifted_features")) if (cJSON_IsString(f) && shown < 3)
            {
                printf("%s%s", first ? "" : ", ", f->valuestring);
                first = 0;
                shown++;
            }
            if (total > shown)
                printf(" and %d more", total - shown);
            if (total == 0)
                printf("-");
            printf("%s\n", cJSON_IsTrue(get(r, "escalated")) ? " (escalated)" : "");
        }
    }
    cJSON_Delete(h);
    return 0;
}
