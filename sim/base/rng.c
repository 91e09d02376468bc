/* Philox blocks and the GSL adapter (Random123's GSL_MICRORNG) over one counter space. */
#include "base/rng.h"

#include <stdlib.h>

#include <Random123/gsl_microrng.h>
#include <Random123/philox.h>

/* Defines gsl_rng_ric_philox and ric_philox_reset(r, ctr, key). Random123's macro body does not
 * meet our conversion warnings; they are silenced for it alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
GSL_MICRORNG(ric_philox, philox4x32);
#pragma GCC diagnostic pop

/* Blocks over an array of ids: the reference of kernels/philox_avx2.c. */
void ric_rng_blocks(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step, uint32_t rule,
                    uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    for (size_t i = 0; i < n; i++) {
        ric_block b = ric_rng_block(seed, ids[i], step, rule);
        w0[i] = b.v[0];
        w1[i] = b.v[1];
        w2[i] = b.v[2];
        w3[i] = b.v[3];
    }
}

uint32_t ric_rng_key(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    philox4x32_ctr_t ctr = {{a, b, c, d}};
    philox4x32_key_t k = {{0x52494353u, 0x4b455953u}}; /* a fixed key: "RICS" "KEYS" */
    return philox4x32(ctr, k).v[0];
}

uint32_t ric_hash32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

uint64_t ric_hash64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

ric_status ric_stream_init(ric_stream *s, uint64_t seed)
{
    s->seed = seed;
    s->r = gsl_rng_alloc(gsl_rng_ric_philox);
    return s->r ? RIC_OK : RIC_ENOMEM;
}

void ric_stream_fini(ric_stream *s)
{
    if (s && s->r) {
        gsl_rng_free(s->r);
        s->r = NULL;
    }
}

gsl_rng *ric_stream_at(ric_stream *s, uint32_t id, uint32_t step, uint32_t rule)
{
    philox4x32_ctr_t c = {{id, step, rule, 0}};
    philox4x32_key_t k = {{(uint32_t)s->seed, (uint32_t)(s->seed >> 32)}};
    ric_philox_reset(s->r, c, k);
    return s->r;
}
