/*
 * hooks.c — run an operator's alert or retrain command.
 *
 * The command is the operator's own text, run as `/bin/sh -c CMD` in the
 * current directory, as cron would. Nothing read from a data file is ever
 * put on a command line: the command gets the JSON report on its standard
 * input (the report file, opened read-only) and the verdict in PDRIFT_*
 * environment variables. Its standard output goes to pdrift's standard
 * error, so `pdrift monitor --json` keeps a clean stdout. A command that
 * outlives its timeout is sent SIGTERM, then SIGKILL, with its whole process
 * group.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait for pid until deadline (monotonic seconds); 1 and *status if it
 * ended, 0 if still running, -1 on error. */
static int wait_until(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_s() >= deadline)
            return 0;
        pause_ms(10);
    }
}

void hook_run(const hook_spec *h, hook_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->exit_status = -1;
    double start = now_s();
    int in = open(h->report_path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(out->status, sizeof out->status, "failed");
        snprintf(out->message, sizeof out->message, "cannot open %s: %s", h->report_path, strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(in);
        snprintf(out->status, sizeof out->status, "failed");
        snprintf(out->message, sizeof out->message, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        setpgid(0, 0); /* its own group: a timeout kills what it started too */
        dup2(in, STDIN_FILENO);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        signal(SIGPIPE, SIG_DFL);
        setenv("PDRIFT_HOOK", h->name, 1);
        setenv("PDRIFT_SEVERITY", h->severity, 1);
        setenv("PDRIFT_TYPE", h->type, 1);
        setenv("PDRIFT_ACTION", h->action, 1);
        setenv("PDRIFT_MODEL", h->model, 1);
        setenv("PDRIFT_REPORT", h->report_path, 1);
        execl("/bin/sh", "sh", "-c", h->command, (char *)NULL);
        _exit(127);
    }
    close(in);
    setpgid(pid, pid); /* also here: no race with the child's own call */
    int status = 0;
    int ended = wait_until(pid, start + h->timeout, &status);
    if (ended == 0) {
        kill(-pid, SIGTERM);
        ended = wait_until(pid, now_s() + 2.0, &status);
        if (ended == 0) {
            kill(-pid, SIGKILL);
            ended = wait_until(pid, now_s() + 5.0, &status);
        }
        out->timed_out = 1;
    }
    out->seconds = now_s() - start;
    if (ended != 1) {
        snprintf(out->status, sizeof out->status, "failed");
        snprintf(out->message, sizeof out->message, "the command could not be waited for");
        return;
    }
    if (out->timed_out) {
        snprintf(out->status, sizeof out->status, "timeout");
        snprintf(out->message, sizeof out->message, "killed after %.0f s (timeout)", h->timeout);
        return;
    }
    if (WIFEXITED(status)) {
        out->exit_status = WEXITSTATUS(status);
        snprintf(out->status, sizeof out->status, "%s", out->exit_status == 0 ? h->ok_status : "failed");
        snprintf(out->message, sizeof out->message, "exit status %d", out->exit_status);
    } else {
        out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        snprintf(out->status, sizeof out->status, "failed");
        snprintf(out->message, sizeof out->message, "killed by signal %d", out->signal);
    }
}
