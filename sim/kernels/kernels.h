/* The vector kernels: optional fast twins of reference code in the model (model/firm_rules.h,
 * model/firms.c) and of base/rng.c's Philox, each behind the narrow contract declared here. A
 * kernel computes what its reference computes, bit for bit; tests/test_kernels.c drives each one
 * and its reference with the same random inputs and names the kernel that parts from it. A run
 * uses the kernels selected when it starts (ric_kernels_select, ricsim/sim.h).
 *
 * A modeller who changes a rule and not its kernel sees that test fail; until the kernel is
 * updated, set its "in use" field below to 0: runs then take the reference, and the test skips
 * the kernel and says so. */
#ifndef RICSIM_KERNELS_H
#define RICSIM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "model/firm_rules.h"
#include "model/workspace.h"
#include "model/world.h"

/* X(ID, name, in use, needs AVX2, what it does) */
#define RIC_KERNEL_LIST(X)                                                                         \
    X(PHILOX8, "philox8", 1, 1, "Philox4x32-10 blocks eight at a time (base/rng.c's reference)")   \
    X(FIRM_PASS, "firm_pass", 1, 0,                                                                \
      "the firm pass in chunks of 256, the rare outcomes in a scalar pass over flagged firms")     \
    X(FIRM_DRAWS, "firm_draws", 1, 1,                                                              \
      "fitness, exit bound, spin-off, transfer, drift and wanted growth four firms at a time")     \
    X(FIRM_FLAGS, "firm_flags", 1, 1, "lapsing links, incubator rooms, shrinking eight at a time") \
    X(HIRING, "hiring", 1, 1,                                                                      \
      "hiring eight firms at a time, pools summed as exact integers where no bound binds")

typedef enum {
#define RIC_K(id, name, use, avx2, doc) RIC_KERNEL_##id,
    RIC_KERNEL_LIST(RIC_K)
#undef RIC_K
        RIC_KERNEL_N
} ric_kernel;

typedef struct {
    const char *name;
    int in_use;     /* the modeller's switch: 0 while the kernel lags its reference */
    int needs_avx2; /* runs only on a CPU with AVX2 */
    const char *doc;
} ric_kernel_info;

extern const ric_kernel_info ric_kernel_table[RIC_KERNEL_N];

/* Kernels this build and CPU can run: in use, and AVX2 present where needed (mask of bits
 * 1u << ric_kernel). */
unsigned ric_kernels_available(void);

/* ---- contracts ----------------------------------------------------------------------------- */

/* Block k of n is ric_rng_block(seed, ids[k], step, rule), written as w0[k]..w3[k]. */
void ric_kernel_philox8(uint64_t seed, const uint32_t *ids, size_t n, uint32_t step, uint32_t rule,
                        uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3);

/* The firm pass (model/firms.c's reference, same state after it, same lists in the workspace:
 * queues, exits, the linked firms; the same demand by region). Runs only where
 * ric_firm_exit_bound_holds(k). */
void ric_kernel_firm_pass(ric_world *w, ric_workspace *ws, const ric_firm_consts *k);

/* Outcome bits of the firm pass's draws, per firm of a chunk. */
enum {
    RIC_DRAW_EXIT = 1, /* an exit candidate: fitness < 0 or a draw below the exit bound */
    RIC_DRAW_SPIN = 2,
    RIC_DRAW_TRANSFER = 4,
    RIC_DRAW_INCUBATOR = 8, /* holds an incubator room */
    RIC_DRAW_SHRINK = 16,   /* its wanted change leaves no employee */
    RIC_DRAW_LINKED = 32,   /* keeps a knowledge link (the spillover phase's list) */
    RIC_DRAW_LINK = 64      /* RIC_DRAW_LINK << kind: its link of that kind lapses */
};

/* Capability to the power of the exit, spin-off and transfer elasticities, for a chunk (NULL in
 * the kernels' calls when k->unit_el: they take x^-1, x, x inline). */
enum { RIC_CHUNK = 256 };
typedef struct {
    double exit[RIC_CHUNK], spin[RIC_CHUNK], tr[RIC_CHUNK];
} ric_cap_powers;

/* One chunk's inputs and outputs for firm_draws and firm_flags (pointers at the chunk's start). */
typedef struct {
    size_t m; /* firms in the chunk, <= RIC_CHUNK */
    const int32_t *emp;
    const float *cap;
    float *fit; /* updated */
    const uint16_t *region;
    const uint8_t *sector;
    int32_t n_sectors;
    const double *market_fit;  /* market terms by region * n_sectors + sector (model/sectors.c) */
    const double *market_grow; /* may be market_fit (every entry the same) */
    const double *tab_premium; /* ric_firm_premium by employees, below RIC_TAB_N */
    const uint32_t *r0, *r1, *r2, *r3;
    const ric_cap_powers *pw;
    int32_t *out;  /* RIC_DRAW_* bits */
    float *capn;   /* capability after drift */
    int32_t *want; /* wanted change */
} ric_firm_chunk;

/* One chunk's state for firm_flags, at the chunk's start (pointers at the chunk's start). */
typedef struct {
    size_t m;
    const int32_t *org_live; /* by organisation index + 1; entry 0 (no link) is 1 */
    int all_live;            /* every entry of org_live is 1 (no organisation has left) */
    const uint32_t *partner[RIC_LINK_N];
    const int32_t *last[RIC_LINK_N];
    const uint16_t *incubator;
    const int32_t *emp, *want;
    int32_t *out; /* RIC_DRAW_* bits, or-ed in */
    /* bit j of entry g for firm 8 g + j, or-ed in (zeroed by the caller): it keeps a knowledge
     * link (linked), it has any other outcome bit (rare) */
    uint8_t *linked, *rare;
} ric_flag_chunk;

/* For firms [0, done) of the chunk: fit updated, out = exit/spin/transfer bits, capn and want,
 * as ric_firm_draws_by_firm computes them. Returns done; the caller does the rest. */
size_t ric_kernel_firm_draws(const ric_firm_consts *k, const ric_firm_chunk *c);
/* Its reference, for firms [c0, m): the firm_rules.h functions one firm at a time. */
void ric_firm_draws_by_firm(const ric_firm_consts *k, const ric_firm_chunk *c, size_t c0);

/* For firms [0, done): out |= link-lapse, incubator and shrink bits, and the linked and rare
 * masks, as ric_firm_flags_by_firm sets them. Returns done (a multiple of 8). */
size_t ric_kernel_firm_flags(const ric_firm_consts *k, int32_t step, const ric_flag_chunk *c);
void ric_firm_flags_by_firm(const ric_firm_consts *k, int32_t step, const ric_flag_chunk *c,
                            size_t c0);

/* Hiring (model/firms.c's reference, same state and flows after it). Returns 0, having done
 * nothing, where its shortcut's precondition fails this step (a pool outside [0, 2^51)). */
int ric_kernel_hiring(ric_world *w, ric_workspace *ws);

#endif
