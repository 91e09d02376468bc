/* libFuzzer target: the shards of a sharded sweep, merged (tests/fuzz/run.sh). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ric_fuzz_shard(data, size);
}
