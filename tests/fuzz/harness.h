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

/* The first byte chooses the parameters (how many, ranges, integers), the rest is a design file. */
int ric_fuzz_design(const uint8_t *data, size_t size);
/* The bytes as a calibration targets table. */
int ric_fuzz_targets(const uint8_t *data, size_t size);
/* The bytes as a study file (calibration and sensitivity) next to base.cfg and targets t.tsv. */
int ric_fuzz_study(const uint8_t *data, size_t size);
/* A sharded sweep of two shards, made once; the first byte chooses one of the shards' plan.tsv,
 * runs.tsv and series.tsv, which the rest replaces before the shards are merged. */
int ric_fuzz_shard(const uint8_t *data, size_t size);

#endif
