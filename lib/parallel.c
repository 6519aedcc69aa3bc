/*
 * parallel.c — one call's work spread over threads (PDRIFT_PARAM_THREADS):
 * the features of a detection, the features of a baseline being prepared.
 *
 * The calling thread is one of the workers and joins the others before it
 * returns: no thread outlives the call, and nothing is shared between calls.
 * Each worker takes the next item from an atomic counter, so a slow item
 * (a feature that needs a calibration) does not hold the others back. The
 * items are independent: what each computes depends on it alone, so the
 * results are the same whatever the number of threads.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"

size_t pdrift__parallel_workers(size_t n, size_t threads)
{
    size_t w = threads < n ? threads : n;
    return w > PDRIFT__MAX_WORKERS ? PDRIFT__MAX_WORKERS : w == 0 ? 1 : w;
}

typedef struct worker {
    size_t n, id;
    pdrift__work_fn work;
    void *ctx;
    atomic_size_t *next;
    atomic_int *stop;
    int rc;          /* the first failure of this worker */
    size_t failed;   /* its item */
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    for (;;) {
        size_t i = atomic_fetch_add(w->next, 1);
        if (i >= w->n || atomic_load(w->stop))
            break;
        int rc = w->work(w->ctx, i, w->id);
        if (rc != 0) {
            w->rc = rc;
            w->failed = i;
            atomic_store(w->stop, 1);
            break;
        }
    }
    return NULL;
}

int pdrift__parallel_for(size_t n, size_t threads, pdrift__work_fn work, void *ctx, size_t *failed)
{
    threads = pdrift__parallel_workers(n, threads);
    atomic_size_t next;
    atomic_int stop;
    atomic_init(&next, 0);
    atomic_init(&stop, 0);
    worker w[PDRIFT__MAX_WORKERS];
    pthread_t thread[PDRIFT__MAX_WORKERS];
    int running[PDRIFT__MAX_WORKERS] = {0};
    for (size_t i = 0; i < threads; i++)
        w[i] = (worker){n, i, work, ctx, &next, &stop, 0, SIZE_MAX};
    /* a thread that cannot start leaves its share to the others */
    for (size_t i = 1; i < threads; i++)
        running[i] = pthread_create(&thread[i], NULL, run, &w[i]) == 0;
    run(&w[0]);
    for (size_t i = 1; i < threads; i++)
        if (running[i])
            pthread_join(thread[i], NULL);
    /* the failure of the first item in order: what one thread would report */
    size_t first = SIZE_MAX;
    int rc = 0;
    for (size_t i = 0; i < threads; i++)
        if (w[i].rc != 0 && w[i].failed < first) {
            first = w[i].failed;
            rc = w[i].rc;
        }
    if (failed != NULL)
        *failed = first;
    return rc;
}
