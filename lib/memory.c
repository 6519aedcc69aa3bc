/*
 * memory.c — large buffers on huge pages where the kernel offers them, and
 * snapshot files mapped.
 *
 * A baseline of 200,000 rows by 50 features is 80 MB of doubles, first
 * touched as ~20,000 pages of 4 KB. Every first touch is a page fault, and on
 * a virtual machine a fault can cost tens of microseconds: measured on the
 * bench machine, reading a 160 MB snapshot into a plain malloc'd buffer took
 * 1.4 s, into a buffer advised for transparent huge pages 40 ms. The advice
 * concerns only the library's own buffers, changes no result and no owner
 * (they are still malloc'd and freed), and is ignored where huge pages are
 * off or unknown.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

enum { HUGE_PAGE = 2u << 20 };

/* Linux 6.1's value, for headers older than the kernel */
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(MADV_COLLAPSE)
#define MADV_COLLAPSE 25
#endif

#if defined(MADV_HUGEPAGE) || defined(MADV_COLLAPSE)
/* madvise(advice) over the whole huge pages inside [p, p + n), if there
 * are any. */
static void advise_huge_pages(void *p, size_t n, int advice)
{
    if (p == NULL || n < HUGE_PAGE)
        return;
    uintptr_t first = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (end > first)
        (void)madvise((void *)first, end - first, advice); /* EINVAL where unknown: fine */
}
#endif

/* From 1 MiB up, whole huge pages, aligned on them: every byte of the block
 * can then be backed by 2 MB pages (pdrift__advise_large), where a block
 * malloc'd at any address keeps up to 2 MB of small pages at each end. On the
 * bench machine 8 MB written for the first time take 25 ms in small pages,
 * under 1 ms in huge pages the kernel has just had back from another
 * process. */
enum { LARGE_MIN = 1u << 20 };

void *pdrift__alloc_large(size_t n, int advise)
{
    if (n < LARGE_MIN || n > SIZE_MAX - HUGE_PAGE)
        return malloc(n ? n : 1);
    size_t rounded = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
    if (advise)
        pdrift__advise_large(p, rounded);
    return p;
}

void pdrift__advise_large(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
    advise_huge_pages(p, n, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void pdrift__collapse_large(void *p, size_t n)
{
    pdrift__advise_large(p, n);
#if defined(MADV_COLLAPSE)
    advise_huge_pages(p, n, MADV_COLLAPSE);
#endif
}

void pdrift__release_pages(void *base, size_t from, size_t to)
{
#if defined(MADV_DONTNEED)
    long size = sysconf(_SC_PAGESIZE);
    const uintptr_t page = size > 0 ? (uintptr_t)size : 4096;
    /* whole pages of the block only (never the one holding malloc's header
     * before base), from the one holding byte `from` if it lies inside */
    uintptr_t inside = ((uintptr_t)base + page - 1) & ~(page - 1);
    uintptr_t first = ((uintptr_t)base + from) & ~(page - 1);
    if (first < inside)
        first = inside;
    uintptr_t end = ((uintptr_t)base + to) & ~(page - 1);
    if (end > first)
        (void)madvise((void *)first, end - first, MADV_DONTNEED);
#else
    (void)base;
    (void)from;
    (void)to;
#endif
}

void pdrift__prefault(void *p, size_t n)
{
#if defined(MADV_POPULATE_WRITE)
    long size = sysconf(_SC_PAGESIZE);
    const uintptr_t page = size > 0 ? (uintptr_t)size : 4096;
    uintptr_t first = (uintptr_t)p & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + n + page - 1) & ~(page - 1);
    if (n > 0)
        (void)madvise((void *)first, end - first, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

/* A snapshot file mapped instead of read (PDRIFT_PARAM_SNAPSHOT_MAP): its
 * pages are the page cache's, already in memory after the file was written
 * or read once, so nothing is copied and no new memory is touched. */
void *pdrift__map_file(int fd, size_t len)
{
    if (len == 0)
        return NULL;
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

void pdrift__unmap(void *p, size_t len)
{
    if (p != NULL)
        (void)munmap(p, len);
}

/* ---- arena ------------------------------------------------------------------ */

/* Pieces of 2 MB chunks (one huge page each where the kernel offers them):
 * a detection that reads a few blocks of many features of a mapped snapshot
 * copies them into a few huge pages, where a page of 4 KB each would cost
 * a fault each (pdrift__alloc_large). */
struct pdrift__arena {
    pthread_mutex_t lock;
    unsigned char **chunks;
    size_t n_chunks, room;  /* chunks held, and room for pointers to them */
    size_t used, cap;       /* bytes of the last chunk */
};

pdrift__arena *pdrift__arena_new(void)
{
    pdrift__arena *a = calloc(1, sizeof *a);
    if (a != NULL && pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        return NULL;
    }
    return a;
}

void *pdrift__arena_alloc(pdrift__arena *a, size_t n)
{
    n = n ? n : 1;
    if (n > SIZE_MAX - 2 * sizeof(double))
        return NULL;
    n = (n + sizeof(double) - 1) & ~(sizeof(double) - 1);
    void *p = NULL;
    pthread_mutex_lock(&a->lock);
    if (a->n_chunks == 0 || n > a->cap - a->used) {
        size_t cap = n > HUGE_PAGE ? n : HUGE_PAGE;
        unsigned char **grown = a->n_chunks < a->room ? a->chunks : NULL;
        if (grown == NULL && a->room < SIZE_MAX / (2 * sizeof *grown)) {
            size_t room = a->room ? 2 * a->room : 8;
            if ((grown = realloc(a->chunks, room * sizeof *grown)) != NULL) {
                a->chunks = grown;
                a->room = room;
            }
        }
        unsigned char *chunk = grown != NULL ? pdrift__alloc_large(cap, 1) : NULL;
        if (chunk != NULL) {
            a->chunks[a->n_chunks++] = chunk;
            a->used = 0;
            a->cap = cap;
        }
    }
    if (a->n_chunks > 0 && n <= a->cap - a->used) {
        p = a->chunks[a->n_chunks - 1] + a->used;
        a->used += n;
    }
    pthread_mutex_unlock(&a->lock);
    return p;
}

void pdrift__arena_free(pdrift__arena *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n_chunks; i++)
        free(a->chunks[i]);
    free(a->chunks);
    pthread_mutex_destroy(&a->lock);
    free(a);
}
