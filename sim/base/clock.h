/* The monotonic clock that times runs and sweeps. */
#ifndef RICSIM_CLOCK_H
#define RICSIM_CLOCK_H

/* Seconds since an arbitrary start (CLOCK_MONOTONIC). */
double ric_clock_s(void);

#endif
