/*
 * text.c — the two text conversions the outputs share: report timestamps to
 * seconds (history cooldowns, the chart's time axis, the Prometheus
 * timestamp) and doubles to the shortest text that reads back exactly (the
 * history and the metrics carry the report's numbers bit for bit).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil); timegm is not POSIX. */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int iso_seconds(const char *s, double *out)
{
    int y, mo, d, h, mi, sec, used = 0;
    if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
        used != 19)
        return -1;
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 60)
        return -1;
    const char *p = s + used;
    double frac = 0, scale = 0.1;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int oh, om, n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh < 0 || om < 0)
            return -1;
        offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        p += 6;
    } else if (*p == 'Z') {
        p++;
    }
    if (*p != '\0')
        return -1;
    long days = days_from_civil(y, mo, d);
    *out = (double)(days * 86400L + h * 3600L + mi * 60L + sec - offset) + frac;
    return 0;
}

void format_exact(double v, char *buf, size_t cap)
{
    /* An integer below 10^15 (counts, rows) is what %.15g prints, at once. */
    if (v == floor(v) && fabs(v) < 1e15 && !(v == 0.0 && signbit(v))) {
        snprintf(buf, cap, "%lld", (long long)v);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, cap, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}
