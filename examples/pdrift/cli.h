/*
 * cli.h — shared declarations of the pdrift command-line tool.
 *
 * pdrift is a thin program on top of libploutosdrift: it uses only the public
 * header, as any user would. Exit codes follow the monitoring-plugin
 * convention (0 no drift, 1 low or medium, 2 high, 3 the check could not run).
 */
#ifndef PDRIFT_CLI_H
#define PDRIFT_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>
#include <ploutos_drift.h>

enum {
    EXIT_NO_DRIFT = 0,
    EXIT_DRIFT = 1,      /* low or medium severity */
    EXIT_HIGH = 2,       /* high severity */
    EXIT_CANNOT_RUN = 3  /* bad input, I/O error, usage error */
};

/* Subcommands; argv[0] is the subcommand's name. */
int cmd_monitor(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_sample_data(int argc, char **argv);

/* Apply one NAME=VALUE (--set) to a config, by the library's parameter
 * names; 0 or -1 (reported). */
int apply_setting(pdrift_config *cfg, const char *setting);
int cmd_baseline(int argc, char **argv);

/* Exit code for a detection's severity. */
int exit_code_for(pdrift_severity s);

/* Human summary of the last detection of m (summary.c). */
void print_summary(FILE *out, const pdrift_monitor *m, const char *report_path);

/* Files (files.c). Each returns 0, or -1 with errno set. */
int make_dirs(const char *dir);                         /* mkdir -p */
int make_parent_dirs(const char *path);                 /* mkdir -p of dirname(path) */
int write_file_atomic(const char *path, const char *data, size_t len);
int append_line(const char *path, const char *line);   /* one write(2), O_APPEND */
int read_file(const char *path, char **text, size_t *len); /* whole file, NUL-terminated */
/* Exclusive flock on DIR/.pdrift.lock, waiting at most timeout seconds
 * (errno EWOULDBLOCK when another run still holds it). */
int lock_dir(const char *dir, double timeout, int *fd);
void unlock_dir(int fd);
/* Before appending incoming bytes to the log at path: if it would pass
 * max_bytes (> 0), shift path.(keep-1) -> path.keep ... path -> path.1. */
int rotate_if_needed(const char *path, long long max_bytes, int keep, size_t incoming);

/* The history (history.c, docs/operations.md): REPORT_DIR/drift_report.json.
 * history_load: the parsed file, a new empty history when it does not
 * exist, or NULL with "file: line L column C: what" in err. */
enum { ESCALATE_RUNS = 3, ESCALATE_OF_LAST = 5 }; /* SPEC §6: medium data drift, 3 of the last 5 */
cJSON *history_load(const char *path, char *err, size_t cap);
cJSON *history_run_from_report(const cJSON *report);     /* the run's entry, from the report */
/* Append the run (taking ownership), update the running summary, drop the
 * oldest runs beyond limit (> 0). */
int history_add_run(cJSON *history, cJSON *run, long limit);
/* 1 when this run's watch escalates to retrain: medium or worse data drift
 * in ESCALATE_RUNS of the last ESCALATE_OF_LAST runs, this one included. */
int history_escalation(const cJSON *history, const cJSON *report, int *matching);
/* 1 when summary.<which> ("last_alert", "last_retrain") fired less than
 * cooldown seconds before this report; same_key_only: only if it was the same
 * alert (type and action, severity not higher). */
int history_in_cooldown(const cJSON *history, const char *which, const cJSON *report, double cooldown,
                        int same_key_only, double *remaining);
int severity_rank(const char *severity);  /* none 0 .. high 3, -1 unknown */
/* JSON text with every number printed exactly (shortest round trip), as the
 * library prints its report; free with cJSON_free. */
char *json_print_exact(const cJSON *item, int formatted);


/* Hooks (hooks.c). */
typedef struct hook_spec {
    const char *name;        /* "alert" or "retrain": PDRIFT_HOOK */
    const char *command;     /* run as /bin/sh -c command */
    const char *report_path; /* its standard input; PDRIFT_REPORT */
    const char *severity, *type, *action, *model;
    const char *ok_status;   /* status on exit 0: "sent", "started" */
    double timeout;          /* seconds */
} hook_spec;
typedef struct hook_outcome {
    char status[16];         /* ok_status, "failed" or "timeout" */
    int exit_status;         /* -1 if it did not exit */
    int signal;
    int timed_out;
    double seconds;
    char message[160];
} hook_outcome;
void hook_run(const hook_spec *h, hook_outcome *out);

/* pdrift summary (cmd_summary.c). */
int cmd_summary(int argc, char **argv);

/* The report of the last detection, malloc'd, or NULL (message printed). */
char *report_text(const pdrift_monitor *m);

/* Prometheus textfile-collector output (prometheus.c): the metrics of this
 * run (report: the library's JSON report, parsed) and the running counters
 * (summary: the "summary" object of the history, docs/operations.md), written
 * atomically to path. 0, or -1 with a message in err. */
int write_prometheus(const char *path, const cJSON *report, const cJSON *summary, char *err,
                     size_t cap);

/* The drift-history chart (plot.c): PSI of the top features over the runs of
 * the history (the parsed drift_report.json), threshold lines, drift events
 * marked in severity colours; a PNG written atomically to path. cairo is
 * loaded (dlopen) by the first call. 0, or -1 with a message in err. */
int plot_history(const char *path, const cJSON *history, char *err, size_t cap);
/* Free cairo's and fontconfig's process-wide font caches, if a chart loaded
 * cairo (before exit, so that leak checkers see only real leaks). */
void plot_release(void);

/* Text conversions (text.c). iso_seconds: "YYYY-MM-DDTHH:MM:SS[.fff]" with
 * Z or +-HH:MM to Unix seconds; 0, or -1 if it is not one. format_exact: the
 * shortest of %.15g, %.16g, %.17g that reads back as v (as the library's
 * report prints numbers), into buf (40 bytes are enough). */
int iso_seconds(const char *stamp, double *out);
void format_exact(double v, char *buf, size_t cap);

/* "pdrift: " + message on stderr. */
void complain(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
