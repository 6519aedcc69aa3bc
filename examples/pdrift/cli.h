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

/* Exit code for a detection's severity. */
int exit_code_for(pdrift_severity s);

/* Human summary of the last detection of m (summary.c). */
void print_summary(FILE *out, const pdrift_monitor *m, const char *report_path);

/* Files (files.c). Each returns 0, or -1 with errno set. */
int make_dirs(const char *dir);                         /* mkdir -p */
int make_parent_dirs(const char *path);                 /* mkdir -p of dirname(path) */
int write_file_atomic(const char *path, const char *data, size_t len);
int append_line(const char *path, const char *line);   /* one write(2), O_APPEND */

/* The report of the last detection, malloc'd, or NULL (message printed). */
char *report_text(const pdrift_monitor *m);

/* "pdrift: " + message on stderr. */
void complain(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
