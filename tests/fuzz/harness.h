/* Fuzz harnesses shared by the libFuzzer targets (tests/fuzz/fuzz_*.c) and the regression test
 * that replays every saved input (tests/test_fuzz.c). Each returns 0; a bug shows as a crash or a
 * sanitizer report, never as a return value. */
#ifndef RICSIM_FUZZ_HARNESS_H
#define RICSIM_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* The bytes as a scenario file; a scenario that loads is also run for a few steps. */
int ric_fuzz_scenario(const uint8_t *data, size_t size);
/* The bytes as up to eight --set overrides (one per line) on a small valid scenario. */
int ric_fuzz_set(const uint8_t *data, size_t size);
/* The bytes as an experiment file next to a small scenario it may @include ("base.cfg"). */
int ric_fuzz_experiment(const uint8_t *data, size_t size);

#endif
