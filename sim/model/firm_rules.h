/* The economics of one firm in one step, written once: fitness, exit, spin-off, transfer demand,
 * capability drift, wanted growth and its rounding, the lapse of links. The reference firm pass
 * (model/firms.c) calls these for each firm in turn; the fast firm pass (kernels/firm_pass.c)
 * calls them for the firms its vector kernels flag, and those kernels repeat the arithmetic of
 * the functions marked "twin" operation for operation (tests/test_kernels.c holds them to it,
 * bit for bit). Change a rule here; then update its twin or switch the kernel off
 * (kernels/kernels.h). Sources: doc/MODEL.md, section by section. */
#ifndef RICSIM_FIRM_RULES_H
#define RICSIM_FIRM_RULES_H

#include <math.h>
#include <stdint.h>

#include "base/rng.h"
#include "ricsim/scenario.h"

/* The rule parameters of a step in the step's units. */
typedef struct {
    double dt;          /* years per step */
    double shock_scale; /* width of the uniform growth shock: s.d. noise per year */
    double fit_margin, fit_cost;
    double exit_base, exit_age, exit_size, exit_el, inc_factor; /* exit_el: -elasticity */
    double vertical_exit; /* hazard multiplier of a firm with a supplier or buyer */
    double spin_rate, spin_el;
    double tr_rate, tr_el;
    double drift;
    double g_base, g_cap, premium;
    int32_t decay;    /* steps an unused link lasts */
    double inc_steps; /* steps a spin-off keeps its incubator room */
    int unit_el;      /* the default exponents (-1, 1, 1): the kernels' inline shortcut */
} ric_firm_consts;

static inline void ric_firm_consts_init(ric_firm_consts *k, const ric_rules *p, double dt)
{
    *k = (ric_firm_consts){
        .dt = dt,
        .shock_scale = p->growth_noise * sqrt(12.0) * sqrt(dt),
        .fit_margin = p->fitness_margin,
        .fit_cost = p->fitness_cost,
        .exit_base = p->exit_base_rate,
        .exit_age = p->exit_age_years,
        .exit_size = p->exit_size_employees,
        .exit_el = -p->exit_capability_elasticity,
        .inc_factor = p->incubator_exit_factor,
        .vertical_exit = p->vertical_exit,
        .spin_rate = p->spinoff_firm_rate,
        .spin_el = p->spinoff_knowledge_elasticity,
        .tr_rate = p->transfer_rate,
        .tr_el = p->transfer_absorptive_elasticity,
        .drift = p->capability_drift,
        .g_base = p->growth_base,
        .g_cap = p->growth_capability,
        .premium = p->growth_small_premium,
        .decay = (int32_t)ceil(p->link_decay_years / dt),
        .inc_steps = p->incubation_years / dt,
    };
    k->unit_el = k->exit_el == -1.0 && k->spin_el == 1.0 && k->tr_el == 1.0;
}

/* x^e with the common exponents exact and free of a libm call (pow is correctly rounded for
 * them too, so results are identical). */
static inline double ric_powe(double x, double e)
{
    if (e == 1.0)
        return x;
    if (e == 0.0)
        return 1.0;
    if (e == -1.0)
        return 1.0 / x;
    return pow(x, e);
}

/* Floor without a libm call, exact for |x| < 2^30; beyond that (absurd growth from extreme but
 * legal parameters) the change is clamped so employment stays within 32 bits. */
#define RIC_EMP_MAX (1 << 30)
static inline int32_t ric_ifloor(double x)
{
    const double hi = RIC_EMP_MAX, lo = -RIC_EMP_MAX;
    x = x < hi ? x : hi; /* in two selects (NaN goes to the top), which vectorise */
    x = x > lo ? x : lo;
    int32_t t = (int32_t)x;
    return t - (int32_t)((double)t > x);
}

/* Fitness: SKIN's capital, earned by capability above the break-even level and by the market
 * (Gilbert, Ahrweiler and Pyka; MODEL.md 4). Twin: firm_draws. */
static inline float ric_firm_fitness(const ric_firm_consts *k, float fit, double cap, double mk)
{
    return fit + (float)((k->fit_margin * (cap - k->fit_cost) + mk) * k->dt);
}

/* The exit hazard falls with age and size (Jovanovic 1982; Evans 1987; MODEL.md 4) and with
 * capability. Both terms are >= 1 for a live firm (age >= 0, employees >= 1, the loader keeps
 * exit.age_years and exit.size_employees > 0), which the fast pass's exit bound rests on. */
static inline double ric_firm_exit_age_term(const ric_firm_consts *k, int32_t age)
{
    return 1.0 + (double)age * k->dt / k->exit_age;
}
static inline double ric_firm_exit_size_term(const ric_firm_consts *k, int32_t employees)
{
    return 1.0 + (employees - 1) / k->exit_size;
}
/* Probability of exit this step; cap_exit is capability^-elasticity, an incubator room scales
 * the hazard by spinoff.incubator_exit_factor (<= 1), and a supplier or buyer in the complex by
 * network.vertical_exit_factor (<= 1): orders steady a firm (the vertical relations of the
 * industrial complex in the seed's KICOX strategy; the form and the factor are assumed). */
static inline double ric_firm_exit_prob(const ric_firm_consts *k, double cap_exit, int32_t age,
                                        int32_t employees, int incubated, int vertical)
{
    double h = k->exit_base / ric_firm_exit_age_term(k, age) /
               ric_firm_exit_size_term(k, employees) * cap_exit;
    if (incubated)
        h *= k->inc_factor;
    if (vertical)
        h *= k->vertical_exit;
    return h * k->dt;
}
/* An upper bound of ric_firm_exit_prob over age, size and incubation (terms >= 1, factor <= 1,
 * correctly rounded operations are monotone): the fast pass computes the exact probability only
 * for draws below it. Twin: firm_draws. */
static inline double ric_firm_exit_bound(const ric_firm_consts *k, double cap_exit)
{
    return k->exit_base * cap_exit * k->dt;
}

/* Spin-off by employees (Klepper 2007): a hazard per employee, rising with capability; a founder
 * needs a firm of two. Twin: firm_draws. */
static inline int ric_firm_spins(const ric_firm_consts *k, int32_t employees, double cap_spin,
                                 double u)
{
    return (employees >= 2) & (u < k->spin_rate * employees * cap_spin * k->dt);
}

/* Transfer demand grows with absorptive capacity (Cohen and Levinthal 1990). Twin: firm_draws. */
static inline int ric_firm_asks_transfer(const ric_firm_consts *k, double cap_tr, double u)
{
    return u < k->tr_rate * cap_tr * k->dt;
}

/* Capability regresses towards the entrant mean without new knowledge. Twin: firm_draws. */
static inline float ric_firm_drift(const ric_firm_consts *k, double cap)
{
    return (float)(cap + (1.0 - cap) * k->drift * k->dt);
}

/* The small-firm premium of growth, jobs.small_premium / sqrt(employees) (Evans 1987: growth
 * falls with size); 0 without employees. The fast pass reads it from a table of this value. */
static inline double ric_firm_premium(const ric_firm_consts *k, int32_t employees)
{
    return employees > 0 ? k->premium / sqrt((double)employees) : 0.0;
}

/* Wanted change of employment: Gibrat's law with capability, the small-firm premium, the
 * market and a uniform shock (high 16 bits of WORD), stochastically rounded (low 16 bits) so
 * the mean is kept. Twin: firm_draws. */
static inline int32_t ric_firm_want(const ric_firm_consts *k, int32_t employees, double cap,
                                    double mk, double premium, uint32_t word)
{
    const double shock = (((double)(word >> 16) + 0.5) / 65536.0 - 0.5) * k->shock_scale;
    const double g = (k->g_base + k->g_cap * (cap - 1.0) + premium + mk) * k->dt + shock;
    const double d = employees * g;
    const double u = ((double)(word & 0xffffu) + 0.5) / 65536.0;
    return ric_ifloor(d + u);
}

/* A link of a kind that lapses (LAPSES, ric_link_kinds) dissolves when unused for
 * network.link_decay_years, a link to an organisation also when the organisation has left
 * (EIS-SKIN; MODEL.md 5): PARTNER_ACTIVE is 1 for a firm partner (a firm that left took its links
 * with it). A supplier-buyer link lasts while both firms live (orders keep it in use). Twin:
 * firm_flags. */
static inline int ric_firm_link_lapses(const ric_firm_consts *k, int lapses, int32_t step,
                                       int32_t last, int partner_active)
{
    return lapses & ((step - last > k->decay) | !partner_active);
}

/* Absorptive capacity (Cohen and Levinthal 1990): what a firm can take in of outside knowledge
 * rises with the knowledge it has. a(c) = (1 + h) c / (h + c): 0 without capability, 1 at
 * capability 1 (the entrant mean, so rates keep their meaning there), saturating at 1 + h, half of
 * that at c = h (network.absorptive_half; the form is assumed). */
static inline double ric_absorptive(double cap, double half)
{
    return (1.0 + half) * (cap > 0 ? cap : 0.0) / (half + (cap > 0 ? cap : 0.0));
}

/* Learning from a source of knowledge K (an organisation's knowledge, a partner firm's
 * capability): the firm closes the share RATE x a(c) of its gap, never more than the gap; a firm
 * at or above K learns nothing from it. Used by transfers (RATE = transfer.capability_gain per
 * transfer) and by spillovers along links (network.spillover x dt per step). */
static inline double ric_learn(double cap, double k, double rate, double half)
{
    /* without a branch (whether a partner knows more is a coin flip): a firm at or above K adds
     * 0 x (K - c), which leaves c exactly as it was */
    const double share = rate * ric_absorptive(cap, half);
    return cap + (double)(k > cap) * (share < 1.0 ? share : 1.0) * (k - cap);
}

/* A spin-off keeps its incubator room for spinoff.incubation_years. */
static inline int ric_firm_leaves_incubator(const ric_firm_consts *k, int32_t age)
{
    return (double)age >= k->inc_steps;
}

/* The fast pass's exit bound holds for these parameters (else the reference pass runs). */
static inline int ric_firm_exit_bound_holds(const ric_firm_consts *k)
{
    return k->exit_age > 0 && k->exit_size > 0 && k->inc_factor <= 1.0 && k->vertical_exit <= 1.0 &&
           k->exit_base >= 0;
}

#endif
