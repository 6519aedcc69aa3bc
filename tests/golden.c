/* golden.c — see golden.h. */
#include "golden.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

enum { MAX_CACHED = 16 };

static struct {
    char name[64];
    cJSON *root;
} cache[MAX_CACHED];

const char *golden_dir(void)
{
    const char *d = getenv("PDRIFT_TEST_DATA");
    return (d && *d) ? d : "tests/data";
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    ck_assert(fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    ck_assert_msg(size >= 0, "cannot size %s", path);
    ck_assert(fseek(f, 0, SEEK_SET) == 0);
    char *buf = malloc((size_t)size + 1);
    ck_assert(buf != NULL);
    size_t got = fread(buf, 1, (size_t)size, f);
    ck_assert_msg(got == (size_t)size, "short read on %s", path);
    fclose(f);
    buf[got] = '\0';
    *len = got;
    return buf;
}

const cJSON *golden_load(const char *name)
{
    for (int i = 0; i < MAX_CACHED; i++)
        if (cache[i].root && strcmp(cache[i].name, name) == 0)
            return cache[i].root;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", golden_dir(), name);
    size_t len;
    char *text = read_file(path, &len);
    cJSON *root = cJSON_ParseWithLength(text, len);
    ck_assert_msg(root != NULL, "%s is not valid JSON", path);
    free(text);
    for (int i = 0; i < MAX_CACHED; i++) {
        if (!cache[i].root) {
            snprintf(cache[i].name, sizeof cache[i].name, "%s", name);
            cache[i].root = root;
            break;
        }
    }
    return root;
}

const cJSON *golden_get(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    ck_assert_msg(item != NULL, "golden: missing key \"%s\"", key);
    return item;
}

double golden_number(const cJSON *item)
{
    if (cJSON_IsNumber(item))
        return item->valuedouble;
    if (cJSON_IsNull(item))
        return NAN;
    ck_assert_msg(cJSON_IsString(item), "golden: expected a number");
    const char *s = item->valuestring;
    if (strcmp(s, "inf") == 0)
        return INFINITY;
    if (strcmp(s, "-inf") == 0)
        return -INFINITY;
    if (strcmp(s, "nan") == 0)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    ck_assert_msg(end != s && *end == '\0', "golden: \"%s\" is not a number", s);
    return v;
}

double golden_double(const cJSON *obj, const char *key)
{
    return golden_number(golden_get(obj, key));
}

double *golden_array(const cJSON *array, size_t *n)
{
    ck_assert_msg(cJSON_IsArray(array), "golden: expected an array");
    size_t len = (size_t)cJSON_GetArraySize(array);
    double *v = malloc((len ? len : 1) * sizeof *v);
    ck_assert(v != NULL);
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array) v[i++] = golden_number(item);
    *n = len;
    return v;
}

size_t *golden_size_array(const cJSON *array, size_t *n)
{
    ck_assert_msg(cJSON_IsArray(array), "golden: expected an array");
    size_t len = (size_t)cJSON_GetArraySize(array);
    size_t *v = malloc((len ? len : 1) * sizeof *v);
    ck_assert(v != NULL);
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array) {
        ck_assert(cJSON_IsNumber(item) && item->valuedouble >= 0);
        v[i++] = (size_t)item->valuedouble;
    }
    *n = len;
    return v;
}

static double *read_f64_file(const char *rel, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", golden_dir(), rel);
    size_t len;
    char *bytes = read_file(path, &len);
    ck_assert_msg(len % 8 == 0, "%s: size %zu is not a multiple of 8", path, len);
    *n = len / 8;
    double *v = malloc((len ? len : 8));
    ck_assert(v != NULL);
    for (size_t i = 0; i < *n; i++) { /* little-endian float64, whatever the host */
        unsigned long long u = 0;
        for (int b = 7; b >= 0; b--)
            u = (u << 8) | (unsigned char)bytes[8 * i + (size_t)b];
        memcpy(&v[i], &u, sizeof v[i]);
    }
    free(bytes);
    return v;
}

double *golden_ks_sample(const cJSON *ks_case, int which, size_t *n)
{
    char key[32], file_key[32], sha_key[32];
    snprintf(key, sizeof key, "data%d", which);
    snprintf(file_key, sizeof file_key, "data%d_file", which);
    snprintf(sha_key, sizeof sha_key, "data%d_sha256", which);
    const cJSON *inline_data = cJSON_GetObjectItemCaseSensitive(ks_case, key);
    double *v;
    if (inline_data)
        v = golden_array(inline_data, n);
    else
        v = read_f64_file(cJSON_GetStringValue(golden_get(ks_case, file_key)), n);

    /* The checksum is over the little-endian bytes of the values. */
    unsigned char *le = malloc(*n * 8 + 1);
    ck_assert(le != NULL);
    for (size_t i = 0; i < *n; i++) {
        unsigned long long u;
        memcpy(&u, &v[i], sizeof u);
        for (int b = 0; b < 8; b++)
            le[8 * i + (size_t)b] = (unsigned char)(u >> (8 * b));
    }
    char hex[65];
    golden_sha256_hex(le, *n * 8, hex);
    free(le);
    const char *want = cJSON_GetStringValue(golden_get(ks_case, sha_key));
    ck_assert_msg(want && strcmp(hex, want) == 0, "golden: %s of case %s: sha256 mismatch",
                  key, cJSON_GetStringValue(golden_get(ks_case, "id")));
    return v;
}

int golden_same_bits(double got, double ref)
{
    if (isnan(got) || isnan(ref))
        return isnan(got) && isnan(ref);
    return memcmp(&got, &ref, sizeof got) == 0;
}

double golden_relerr(double got, double ref)
{
    if (golden_same_bits(got, ref) || got == ref)
        return 0.0;
    if (isnan(got) || isnan(ref) || ref == 0.0)
        return INFINITY;
    return fabs(got - ref) / fabs(ref);
}

int golden_close(double got, double ref, double rel_tol, double abs_tol)
{
    if (isnan(ref) || isnan(got))
        return isnan(ref) && isnan(got);
    if (got == ref)
        return 1;
    if (fabs(ref) < 1e-300)
        return fabs(got - ref) <= 1e-300;
    return golden_relerr(got, ref) <= rel_tol || fabs(got - ref) <= abs_tol;
}

void golden_stat_add(golden_stat *s, double got, double ref)
{
    s->count++;
    if (golden_same_bits(got, ref)) {
        s->bit_exact++;
        return;
    }
    if (isnan(got) || isnan(ref))
        return;
    double a = fabs(got - ref);
    if (a > s->max_abs)
        s->max_abs = a;
    if (fabs(ref) >= 1e-300) {
        double r = a / fabs(ref);
        if (r > s->max_rel)
            s->max_rel = r;
    }
}

void golden_stat_print(const golden_stat *s)
{
    printf("golden  %-40s n=%-6zu bit-exact=%-6zu max rel err=%.3g  max abs err=%.3g\n", s->name,
           s->count, s->bit_exact, s->max_rel, s->max_abs);
    fflush(stdout);
}
