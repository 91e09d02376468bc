/* Philox blocks and the GSL adapter (Random123's GSL_MICRORNG) over one counter space. */
#include "ricsim/rng.h"

#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

/* Defines gsl_rng_ric_philox and ric_philox_reset(r, ctr, key). Random123's macro body does not
 * meet our conversion warnings; they are silenced for it alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
GSL_MICRORNG(ric_philox, philox4x32);
#pragma GCC diagnostic pop

ric_block ric_rng_block(uint64_t seed, uint32_t id, uint32_t step, uint32_t rule)
{
    philox4x32_ctr_t c = {{id, step, rule, 0}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t out = philox4x32(c, k);
    ric_block b = {{out.v[0], out.v[1], out.v[2], out.v[3]}};
    return b;
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
