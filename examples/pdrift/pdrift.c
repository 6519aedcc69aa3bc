/*
 * pdrift.c — the pdrift command: dispatch to the subcommands.
 *
 *   pdrift monitor --baseline FILE --current FILE [options]
 *   pdrift baseline --from FILE -o SNAPSHOT
 *   pdrift summary [--report-dir DIR]
 *   pdrift selftest
 *   pdrift sample-data DIR
 *   pdrift --version | --help
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: pdrift <command> [options]\n"
    "\n"
    "Tells when a trading model can no longer be trusted: compares production data\n"
    "with the training baseline (PSI and Kolmogorov-Smirnov per feature) and\n"
    "recommends continue, watch, retrain or fallback.\n"
    "\n"
    "commands:\n"
    "  monitor --baseline FILE --current FILE [options]   run a monitoring check\n"
    "  baseline --from FILE -o SNAPSHOT                   build a baseline snapshot\n"
    "  summary [--report-dir DIR] [--json]                drift history across runs\n"
    "  selftest                                           no-drift and drift demonstration\n"
    "  sample-data DIR                                    write generated sample market files\n"
    "  --version                                          library and tool version\n"
    "  --help                                             this text; pdrift monitor --help\n"
    "\n"
    "exit codes: 0 no drift, 1 drift of low or medium severity, 2 high severity,\n"
    "            3 the check could not run (bad input, I/O error, usage error)\n";

void complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pdrift: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int exit_code_for(pdrift_severity s)
{
    switch (s) {
    case PDRIFT_SEVERITY_NONE: return EXIT_NO_DRIFT;
    case PDRIFT_SEVERITY_LOW:
    case PDRIFT_SEVERITY_MEDIUM: return EXIT_DRIFT;
    case PDRIFT_SEVERITY_HIGH: return EXIT_HIGH;
    }
    return EXIT_CANNOT_RUN;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_CANNOT_RUN;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("pdrift %s (libploutosdrift %s)\n", PDRIFT_VERSION_STRING, pdrift_version_string());
        return 0;
    }
    if (strcmp(cmd, "monitor") == 0)
        return cmd_monitor(argc - 1, argv + 1);
    if (strcmp(cmd, "baseline") == 0)
        return cmd_baseline(argc - 1, argv + 1);
    if (strcmp(cmd, "summary") == 0)
        return cmd_summary(argc - 1, argv + 1);
    if (strcmp(cmd, "selftest") == 0)
        return cmd_selftest(argc - 1, argv + 1);
    if (strcmp(cmd, "sample-data") == 0)
        return cmd_sample_data(argc - 1, argv + 1);
    complain("unknown command '%s' (see pdrift --help)", cmd);
    return EXIT_CANNOT_RUN;
}
