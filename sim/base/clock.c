/* Monotonic clock (see clock.h). */
#include "base/clock.h"

#include <time.h>

double ric_clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec; /* nanoseconds to seconds */
}
