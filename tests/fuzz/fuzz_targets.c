/* libFuzzer target: calibration targets tables (tests/fuzz/run.sh). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ric_fuzz_targets(data, size);
}
