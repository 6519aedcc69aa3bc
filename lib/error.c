/* error.c — text of the status codes. */
#include "internal.h"

const char *pdrift_strerror(pdrift_status s)
{
    switch (s) {
    case PDRIFT_OK: return "success";
    case PDRIFT_EINVAL: return "invalid argument";
    case PDRIFT_ENOMEM: return "out of memory";
    case PDRIFT_ESTATE: return "wrong call order";
    case PDRIFT_ENOBUFS: return "buffer too small";
    case PDRIFT_EIO: return "input/output error";
    case PDRIFT_EFORMAT: return "malformed input file";
    case PDRIFT_EPARAM: return "unknown parameter or wrong type for it";
    case PDRIFT_ERANGE: return "value outside the parameter's bounds";
    case PDRIFT_ENUMERIC: return "numerical failure";
    case PDRIFT_EDATA: return "data rejected";
    case PDRIFT_ESCHEMA: return "columns do not match the baseline";
    case PDRIFT_EVERSION: return "incompatible baseline snapshot version";
    case PDRIFT_ECORRUPT: return "corrupt baseline snapshot";
    }
    return "unknown status code";
}
