/* version.c — the version of the library actually linked. */
#include "internal.h"

unsigned pdrift_version_number(void)
{
    return PDRIFT_VERSION_NUMBER;
}

const char *pdrift_version_string(void)
{
    return PDRIFT_VERSION_STRING;
}
