/* Replays every input the fuzzers found (tests/fuzz/regress/<target>/) and the seed corpus through
 * the fuzz harnesses: each must be handled without a crash or a sanitizer report. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/harness.h"

static int replay(const char *dir, int (*harness)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        uint8_t buf[65536];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        cr_assert_eq(harness(buf, len), 0);
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz, saved_scenario_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/scenario", ric_fuzz_scenario);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/scenario", ric_fuzz_scenario);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_override_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/set", ric_fuzz_set);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/set", ric_fuzz_set);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_experiment_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/experiment", ric_fuzz_experiment);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/experiment", ric_fuzz_experiment);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_design_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/design", ric_fuzz_design);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/design", ric_fuzz_design);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_targets_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/targets", ric_fuzz_targets);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/targets", ric_fuzz_targets);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_study_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/study", ric_fuzz_study);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/study", ric_fuzz_study);
    cr_assert(n > 0, "no inputs replayed");
}

Test(fuzz, saved_shard_inputs_are_handled)
{
    int n = replay(RIC_SOURCE_DIR "/tests/fuzz/regress/shard", ric_fuzz_shard);
    n += replay(RIC_SOURCE_DIR "/tests/fuzz/corpus/shard", ric_fuzz_shard);
    cr_assert(n > 0, "no inputs replayed");
}
