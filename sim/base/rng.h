/* Counter-based random streams (Random123 Philox4x32-10) keyed by seed and addressed by
 * (agent id, step, rule): an agent's draws never depend on how many draws other agents made, so two
 * scenarios that differ in one programme stay paired on every agent that programme does not touch.
 */
#ifndef RICSIM_RNG_H
#define RICSIM_RNG_H

#include <stdint.h>

#include <Random123/philox.h>
#include <gsl/gsl_rng.h>

#include "ricsim/status.h"

/* Rule words: the third counter word. Programme draws mix in a hash of the programme's name so
 * adding a programme does not shift the draws of another one. */
enum {
    RIC_RULE_FIRM = 1,      /* one block per firm and step: exit, spin-off, transfer, growth */
    RIC_RULE_ORG_SPINOFF,   /* spin-off count of an institute or university */
    RIC_RULE_SPINOFF_CHILD, /* founders, heritage and location of a new firm */
    RIC_RULE_TRANSFER_PICK, /* which knowledge organisation a firm asks */
    RIC_RULE_ENTRY,         /* start-ups and relocations of a region */
    RIC_RULE_NEWFIRM,       /* traits of a start-up or relocation */
    RIC_RULE_COHORT,        /* traits of scheduled firm cohorts */
    RIC_RULE_LINKS,         /* programme forum links */
    RIC_RULE_PROG_RANK,     /* chance term of a programme's ranking */
    RIC_RULE_PROG_REVIEW,   /* chance term of an annual review */
    RIC_RULE_PROG_MEMBERS,  /* consortium firms of an award */
    RIC_RULE_SECTOR,        /* the sector a new firm draws from its region's shares */
    RIC_RULE_ORDERS,        /* rounding of the hires a partner's orders bring */
    RIC_RULE_SUPPLIERS,     /* programme supplier-buyer links */
    RIC_RULE_ORG_PUSH,      /* founders among the researchers an institute releases */
    RIC_RULE_LISTING        /* a firm's stock-market listing */
};

/* One Philox block: four independent 32-bit words. */
typedef struct {
    uint32_t v[4];
} ric_block;

/* Inline: it is called once per firm and step in the hot loop. */
static inline __attribute__((always_inline)) ric_block ric_rng_block(uint64_t seed, uint32_t id,
                                                                     uint32_t step, uint32_t rule)
{
    philox4x32_ctr_t c = {{id, step, rule, 0}};
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t out = philox4x32(c, k);
    ric_block b = {{out.v[0], out.v[1], out.v[2], out.v[3]}};
    return b;
}

/* Blocks for n agents at once: block k is ric_rng_block(seed, ids[k], step, rule), written as
 * its four words w0[k]..w3[k]. The reference of the philox8 kernel (kernels/kernels.h). */
void ric_rng_blocks(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step, uint32_t rule,
                    uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3);

/* A 32-bit key mixed from four words (one Philox round trip): keys a new firm's draws by where and
 * when it was born, so the same birth in two scenarios gives the same stream. */
uint32_t ric_rng_key(uint32_t a, uint32_t b, uint32_t c, uint32_t d);

/* Uniform on the open interval (0, 1) from one 32-bit word. */
static inline double ric_u01(uint32_t w)
{
    return ((double)w + 0.5) * (1.0 / 4294967296.0);
}

/* 32-bit FNV-1a of a string, for keying a named entity's draws. */
uint32_t ric_hash32(const char *s);

/* 64-bit FNV-1a over bytes, used for the scenario hash. */
uint64_t ric_hash64(const void *data, size_t n);

/* A GSL generator over the same counter space, for GSL's distribution algorithms (Poisson,
 * binomial, Gaussian). ric_stream_at resets it to (id, step, rule); up to 2^32 draws follow. */
typedef struct {
    gsl_rng *r;
    uint64_t seed;
} ric_stream;

ric_status ric_stream_init(ric_stream *s, uint64_t seed);
void ric_stream_fini(ric_stream *s);
gsl_rng *ric_stream_at(ric_stream *s, uint32_t id, uint32_t step, uint32_t rule);

#endif
