/* Constants shared across the layers: the size of every buffer that holds a file name, and the
 * tolerance on simulated time. */
#ifndef RICSIM_CONSTS_H
#define RICSIM_CONSTS_H

/* Bytes of a buffer holding a path: Linux's PATH_MAX, the longest name the system opens. Output
 * folders are checked shorter than 4000 bytes (3900 for a sweep) where they are taken, which
 * leaves room for every name ricsim joins to them ("/.runs/ID.series.tmp.PID"). */
#define RIC_PATH_MAX 4096

/* Bytes of a buffer holding a folder joined with a relative name (an @include, a script, a
 * shard's folder), each part at most RIC_PATH_MAX. */
#define RIC_JOINED_MAX (2 * RIC_PATH_MAX)

/* Years. Simulated times are start + step x dt, with rounding error in the last bits, and the
 * times they are compared with (an event's year, an award's start, a review date) are decimal
 * years: a scheduled time within RIC_TIME_EPS (about 30 ms) after a step's time counts as reached
 * at that step, so that 2001.0 is reached at the step whose time prints as 2001.0000. */
#define RIC_TIME_EPS 1e-9

#endif
