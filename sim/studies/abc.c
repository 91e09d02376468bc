/* ABC-SMC calibration (abc.h): the generations as batches of keyed runs, the deterministic step
 * between them (tolerance, kernel, proposals, weights), the posterior-predictive draws, the
 * folder (resume, shards, merge) and the result tables. The runs themselves are study.c's. */
#include "studies/abc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/lock.h"
#include "base/rng.h"
#include "base/sbuf.h"
#include "batch/runs.h"
#include "ricsim/experiment.h"

/* Words of the keyed draws (the third counter word; the key is the calibration's seed mixed with
 * KEY_MIX, so these never meet a model stream). */
enum { W_PRIOR = 1, W_ANCESTOR = 2, W_PPC = 3, W_KERNEL = 16 };
#define KEY_MIX 0x6a09e667f3bcc909ull /* the fractional bits of sqrt(2) */

struct ric_abc {
    char label[RIC_PATH_MAX], targets[RIC_PATH_MAX];
    const ric_study *st;
    const ric_target *t;
    size_t n_t;
    ric_abc_settings s;
    size_t k, N, M, P, cap; /* parameters, particles, replications, ppc draws, max(N, P) */
    double lo[RIC_STUDY_MAX_PARAMS], hi[RIC_STUDY_MAX_PARAMS]; /* prior coordinates z */

    /* the batch running: generation g (batch index g), or the ppc draws (batch 'generations') */
    size_t g;
    int ppc, finished;
    size_t n_units, first, end, units_done; /* units of the batch; this process's slice */
    unsigned char *have;
    double *z, *x;     /* the batch's vectors: cap x k, in z and in the parameters' units */
    uint64_t *masters; /* their master seeds */
    double *y;         /* cap x M x n_probes: their runs' probes */
    double eps;        /* the tolerance of generation g */
    double sigma[RIC_STUDY_MAX_PARAMS];

    /* the last complete generation, whose particles propose the next */
    double *pz, *pw, *pd; /* N x k, N, N x M */
    double peps;
    int have_prev;
    double *w, *dist, *v; /* scratch: N weights, N x M distances, n_t values */

    /* the posterior: the last generation with an accepted particle */
    double *post_z, *post_w;
    size_t post_gen;
    int have_post;
    char stop[200];

    /* per generation: tolerance, acceptance, particles accepted, ESS */
    double *gen_eps, *gen_acc, *gen_ess;
    size_t *gen_n;
    size_t n_gen;

    double *ppc_v; /* P x n_t target values of the ppc draws */

    size_t runs, kept, chunk;
    double *xs, *ys; /* scratch of one chunk */
    uint64_t *ms;
    size_t *pick;

    int opened, sharded;
    ric_study_dir d;
    char main_runs[RIC_PATH_MAX]; /* DIR/.runs: the whole batches */
    char main_dir[RIC_PATH_MAX];
};

/* the files of a finished calibration by ABC-SMC, posterior.tsv (the mark) last */
static const char *const result_files[] = {"ppc.tsv", "identification.tsv", "posterior.tsv", NULL};

/* ---- the pieces --------------------------------------------------------------------------- */

double ric_abc_distance(const ric_target *t, size_t n, const double *v)
{
    double s = 0, w = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(t[i].weight > 0))
            continue;
        if (isnan(v[i]))
            return INFINITY;
        double e = (v[i] - t[i].observed) / t[i].tolerance;
        if (t[i].relation == '>')
            e = e < 0 ? e : 0; /* below the bound breaks it */
        else if (t[i].relation == '<')
            e = e > 0 ? e : 0;
        s += t[i].weight * e * e;
        w += t[i].weight;
    }
    return w > 0 ? sqrt(s / w) : 0;
}

double ric_abc_ess(const double *w, size_t n)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s += w[i];
        s2 += w[i] * w[i];
    }
    return s2 > 0 ? s * s / s2 : 0;
}

/* The ESS of w_i c_i(eps) / c_i(eps_prev), c counting i's runs within a tolerance. */
static double ess_at(size_t n, size_t m, const double *w, const double *d, double eps,
                     double eps_prev)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] > 0))
            continue;
        size_t c = 0, cp = 0;
        for (size_t r = 0; r < m; r++) {
            c += d[i * m + r] <= eps;
            cp += d[i * m + r] <= eps_prev;
        }
        if (cp == 0)
            continue;
        double x = w[i] * (double)c / (double)cp;
        s += x;
        s2 += x * x;
    }
    return s2 > 0 ? s * s / s2 : 0;
}

double ric_abc_next_tolerance(size_t n, size_t m, const double *w, const double *d, double eps_prev,
                              double alpha, double floor)
{
    double target = alpha * ess_at(n, m, w, d, eps_prev, eps_prev);
    double best = eps_prev;
    /* every distance is a step of the ESS: try each (the ESS need not fall monotonically) */
    for (size_t j = 0; j < n * m; j++) {
        double e = d[j];
        if (!(e < best) || !(w[j / m] > 0))
            continue;
        if (ess_at(n, m, w, d, e, eps_prev) >= target)
            best = e;
    }
    return best > floor ? best : floor;
}

/* Uniform in (0, 1): word J of the keyed block (id I, step B, word RULE). */
static double keyed_u(const ric_abc *a, size_t i, size_t b, uint32_t rule, int j)
{
    ric_block blk = ric_rng_block(a->st->seed ^ KEY_MIX, (uint32_t)i, (uint32_t)b, rule);
    return ric_u01(blk.v[j & 3]);
}

/* A draw from N(m, s^2) truncated to [lo, hi] by inversion of uniform U, in the tail that keeps
 * the precision. */
static double trunc_normal(double m, double s, double lo, double hi, double u)
{
    double a = (lo - m) / s, b = (hi - m) / s, z;
    if (a > 0) { /* both ends in the upper tail: invert the upper tail */
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        z = gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else {
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        z = gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    double x = m + s * z;
    if (!(x >= lo)) /* a range of zero mass at this precision, or rounding */
        x = lo;
    if (x > hi)
        x = hi;
    return x;
}

/* log of the mass of N(m, s^2) within [lo, hi] */
static double log_mass(double m, double s, double lo, double hi)
{
    double a = (lo - m) / s, b = (hi - m) / s;
    double p = a > 0 ? gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b)
                     : gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    return p > 0 ? log(p) : -745.0;
}

static void to_x(const ric_abc *a, const double *z, double *x)
{
    for (size_t j = 0; j < a->k; j++) {
        const ric_study_param *p = &a->st->params[j];
        double v = p->log_prior ? exp(z[j]) : z[j];
        x[j] = v < p->lo ? p->lo : v > p->hi ? p->hi : v;
    }
}

/* Index of the particle that uniform U picks from weights w[0..n) (by their running sum). */
static size_t pick_by_weight(const double *w, size_t n, double u)
{
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        tot += w[i];
    double acc = 0, at = u * tot;
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] > 0))
            continue;
        acc += w[i];
        last = i;
        if (at < acc)
            return i;
    }
    return last;
}

/* Weighted mean and variance of column j of z (n x k) under w. */
static void wmoments(const double *z, const double *w, size_t n, size_t k, size_t j, double *mean,
                     double *var)
{
    double s = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        s += w[i];
        m += w[i] * z[i * k + j];
    }
    m = s > 0 ? m / s : NAN;
    double v = 0;
    for (size_t i = 0; i < n; i++)
        v += w[i] * (z[i * k + j] - m) * (z[i * k + j] - m);
    *mean = m;
    *var = s > 0 ? v / s : NAN;
}

/* ---- the object ---------------------------------------------------------------------------- */

void ric_abc_free(ric_abc *a)
{
    if (!a)
        return;
    free(a->have);
    free(a->z);
    free(a->x);
    free(a->masters);
    free(a->y);
    free(a->pz);
    free(a->pw);
    free(a->pd);
    free(a->w);
    free(a->dist);
    free(a->v);
    free(a->post_z);
    free(a->post_w);
    free(a->gen_eps);
    free(a->gen_acc);
    free(a->gen_ess);
    free(a->gen_n);
    free(a->ppc_v);
    free(a->xs);
    free(a->ys);
    free(a->ms);
    free(a->pick);
    if (a->opened)
        ric_study_dir_close(&a->d, 0);
    free(a);
}

static void start_batch(ric_abc *a);

ric_status ric_abc_alloc(const ric_study *st, const ric_target *t, size_t n_t,
                         const ric_abc_settings *s, const char *label, const char *targets_label,
                         ric_abc **out, ric_err *err)
{
    ric_abc *a = calloc(1, sizeof *a);
    if (!a) {
        ric_err_set(err, "%s: out of memory", label);
        return RIC_ENOMEM;
    }
    snprintf(a->label, sizeof a->label, "%s", label);
    snprintf(a->targets, sizeof a->targets, "%s", targets_label);
    a->st = st;
    a->t = t;
    a->n_t = n_t;
    a->s = *s;
    a->k = st->n_params;
    a->N = s->particles;
    a->M = st->reps;
    a->P = s->ppc_draws;
    a->cap = a->N > a->P ? a->N : a->P;
    for (size_t j = 0; j < a->k; j++) {
        const ric_study_param *p = &st->params[j];
        a->lo[j] = p->log_prior ? log(p->lo) : p->lo;
        a->hi[j] = p->log_prior ? log(p->hi) : p->hi;
    }
    size_t k = a->k ? a->k : 1, np = st->n_probes, G = s->generations;
    /* a chunk of runs holds 8 per worker (at least 16): room for the most workers there are */
    a->chunk = 8 * RIC_STUDY_MAX_WORKERS < a->cap ? 8 * RIC_STUDY_MAX_WORKERS : a->cap;
    a->have = calloc(a->cap, 1);
    a->z = malloc(a->cap * k * sizeof *a->z);
    a->x = malloc(a->cap * k * sizeof *a->x);
    a->masters = malloc(a->cap * sizeof *a->masters);
    a->y = malloc(a->cap * a->M * np * sizeof *a->y);
    a->pz = malloc(a->N * k * sizeof *a->pz);
    a->pw = malloc(a->N * sizeof *a->pw);
    a->pd = malloc(a->N * a->M * sizeof *a->pd);
    a->w = malloc(a->N * sizeof *a->w);
    a->dist = malloc(a->N * a->M * sizeof *a->dist);
    a->v = malloc((n_t ? n_t : 1) * sizeof *a->v);
    a->post_z = malloc(a->N * k * sizeof *a->post_z);
    a->post_w = malloc(a->N * sizeof *a->post_w);
    a->gen_eps = malloc(G * sizeof *a->gen_eps);
    a->gen_acc = malloc(G * sizeof *a->gen_acc);
    a->gen_ess = malloc(G * sizeof *a->gen_ess);
    a->gen_n = malloc(G * sizeof *a->gen_n);
    a->ppc_v = malloc((a->P ? a->P : 1) * (n_t ? n_t : 1) * sizeof *a->ppc_v);
    a->xs = malloc(a->chunk * k * sizeof *a->xs);
    a->ys = malloc(a->chunk * a->M * np * sizeof *a->ys);
    a->ms = malloc(a->chunk * sizeof *a->ms);
    a->pick = malloc(a->chunk * sizeof *a->pick);
    if (!a->have || !a->z || !a->x || !a->masters || !a->y || !a->pz || !a->pw || !a->pd || !a->w ||
        !a->dist || !a->v || !a->post_z || !a->post_w || !a->gen_eps || !a->gen_acc ||
        !a->gen_ess || !a->gen_n || !a->ppc_v || !a->xs || !a->ys || !a->ms || !a->pick) {
        ric_abc_free(a);
        ric_err_set(err, "%s: out of memory", label);
        return RIC_ENOMEM;
    }
    a->eps = INFINITY;
    start_batch(a);
    *out = a;
    return RIC_OK;
}

/* Unit index of unit I of the running batch, and its head line (which batch and vector). */
static size_t unit_of(const ric_abc *a, size_t i)
{
    return (a->ppc ? a->s.generations : a->g) * a->cap + i;
}

static void unit_head(const ric_abc *a, size_t i, char *buf, size_t n)
{
    size_t used = a->ppc ? (size_t)snprintf(buf, n, "ppc %zu", i)
                         : (size_t)snprintf(buf, n, "generation %zu particle %zu", a->g, i);
    for (size_t j = 0; j < a->k && used < n; j++)
        used += (size_t)snprintf(buf + used, n - used, "\t%.17g", a->x[i * a->k + j]);
}

static size_t batch_reps(const ric_abc *a)
{
    return a->ppc ? 1 : a->M;
}

/* Tries to read unit I of the batch from the folder RUNS. */
static int load_unit(ric_abc *a, const char *runs, size_t i)
{
    char head[RIC_STUDY_MAX_PARAMS * 26 + 64];
    unit_head(a, i, head, sizeof head);
    size_t R = batch_reps(a), np = a->st->n_probes;
    if (!ric_study_dir_load(runs, "eval", unit_of(a, i), head, a->y + i * a->M * np, R, np))
        return 0;
    a->have[i] = 1;
    return 1;
}

/* The proposals of the batch: the prior (generation 0), the kernel around the last generation's
 * particles, or draws from the posterior (ppc); all keyed by (seed, batch, unit). */
static void start_batch(ric_abc *a)
{
    size_t k = a->k, b = a->ppc ? a->s.generations : a->g;
    a->n_units = a->ppc ? a->P : a->N;
    a->first = 0;
    a->end = a->n_units;
    a->units_done = 0;
    memset(a->have, 0, a->cap);
    if (!a->ppc && a->g > 0) {
        /* Del Moral et al. (2012): the tolerance that keeps ess_ratio of the ESS */
        a->eps = ric_abc_next_tolerance(a->N, a->M, a->pw, a->pd, a->peps, a->s.ess_ratio,
                                        a->s.final_tolerance);
        /* Beaumont et al. (2009): the kernel's variance, twice the weighted variance */
        for (size_t j = 0; j < k; j++) {
            double m, v;
            wmoments(a->pz, a->pw, a->N, k, j, &m, &v);
            double s = sqrt(2 * v), fl = 1e-9 * (a->hi[j] - a->lo[j]);
            a->sigma[j] = s > fl ? s : fl;
        }
    }
    for (size_t i = 0; i < a->n_units; i++) {
        double *z = a->z + i * k;
        if (a->ppc) {
            size_t p = pick_by_weight(a->post_w, a->N, keyed_u(a, i, b, W_PPC, 0));
            memcpy(z, a->post_z + p * k, k * sizeof *z);
        } else if (a->g == 0) {
            for (size_t j = 0; j < k; j++)
                z[j] = a->lo[j] + (a->hi[j] - a->lo[j]) *
                                      keyed_u(a, i, b, W_PRIOR + 4 * (uint32_t)(j / 4), (int)j);
        } else {
            size_t p = pick_by_weight(a->pw, a->N, keyed_u(a, i, b, W_ANCESTOR, 0));
            for (size_t j = 0; j < k; j++)
                z[j] = trunc_normal(a->pz[p * k + j], a->sigma[j], a->lo[j], a->hi[j],
                                    keyed_u(a, i, b, W_KERNEL + (uint32_t)(j / 4), (int)j));
        }
        to_x(a, z, a->x + i * k);
        a->masters[i] = ric_study_seed(a->st->seed, 1 + unit_of(a, i));
    }
}

/* log of Beaumont's proposal density at z: sum_j W_j K(z | z_j), K the truncated product
 * normal of the kernel (the prior is uniform in z, so it cancels from the weights) */
static double log_proposal(const ric_abc *a, const double *z)
{
    double tot = 0, mx = -INFINITY;
    size_t k = a->k;
    for (size_t j = 0; j < a->N; j++)
        tot += a->pw[j];
    /* two passes: the largest term first, for a sum of exponentials without underflow */
    for (int pass = 0; pass < 2; pass++) {
        double s = 0;
        for (size_t j = 0; j < a->N; j++) {
            if (!(a->pw[j] > 0))
                continue;
            double l = log(a->pw[j] / tot);
            for (size_t q = 0; q < k; q++) {
                double u = (z[q] - a->pz[j * k + q]) / a->sigma[q];
                l += -0.5 * u * u - log(a->sigma[q]) -
                     log_mass(a->pz[j * k + q], a->sigma[q], a->lo[q], a->hi[q]);
            }
            if (pass == 0)
                mx = l > mx ? l : mx;
            else
                s += exp(l - mx);
        }
        if (pass == 1)
            return mx + log(s);
    }
    return mx;
}

/* A generation is whole: distances, weights, the step to the next batch. */
static void end_generation(ric_abc *a)
{
    size_t N = a->N, M = a->M, np = a->st->n_probes, k = a->k;
    size_t within = 0, accepted = 0;
    for (size_t i = 0; i < N; i++) {
        size_t c = 0;
        for (size_t r = 0; r < M; r++) {
            const double *y = a->y + (i * M + r) * np;
            for (size_t q = 0; q < a->n_t; q++)
                a->v[q] = ric_calibrate_target_value(&a->t[q], y);
            double dist = ric_abc_distance(a->t, a->n_t, a->v);
            a->dist[i * M + r] = dist;
            c += dist <= a->eps;
        }
        within += c;
        double ph = (double)c / (double)M;
        if (a->g == 0 || c == 0)
            a->w[i] = ph;
        else /* importance weight: prior x likelihood estimate / proposal (Beaumont et al.) */
            a->w[i] = exp(log(ph) - log_proposal(a, a->z + i * k));
        accepted += a->w[i] > 0;
    }
    double tot = 0;
    for (size_t i = 0; i < N; i++)
        tot += a->w[i];
    for (size_t i = 0; tot > 0 && i < N; i++)
        a->w[i] /= tot;
    size_t g = a->g;
    a->gen_eps[g] = a->eps;
    a->gen_acc[g] = (double)within / (double)(N * M);
    a->gen_ess[g] = ric_abc_ess(a->w, N);
    a->gen_n[g] = accepted;
    a->n_gen = g + 1;
    if (accepted == 0) {
        snprintf(a->stop, sizeof a->stop,
                 "no particle of generation %zu ran within its tolerance %.6g: the posterior is "
                 "generation %zu's",
                 g, a->eps, a->post_gen);
        a->ppc = 1;
        start_batch(a);
        return;
    }
    memcpy(a->post_z, a->z, N * k * sizeof *a->z);
    memcpy(a->post_w, a->w, N * sizeof *a->w);
    a->post_gen = g;
    a->have_post = 1;
    memcpy(a->pz, a->z, N * k * sizeof *a->z);
    memcpy(a->pw, a->w, N * sizeof *a->w);
    memcpy(a->pd, a->dist, N * M * sizeof *a->dist);
    a->peps = a->eps;
    a->have_prev = 1;
    if (a->eps <= a->s.final_tolerance)
        snprintf(a->stop, sizeof a->stop, "reached the final tolerance %.6g", a->s.final_tolerance);
    else if (g > 0 && a->gen_acc[g] < a->s.min_acceptance)
        snprintf(a->stop, sizeof a->stop,
                 "the acceptance %.4g fell below min_acceptance %.4g before the final tolerance",
                 a->gen_acc[g], a->s.min_acceptance);
    else if (g + 1 >= a->s.generations)
        snprintf(a->stop, sizeof a->stop, "ran its %zu generations before the final tolerance %.6g",
                 a->s.generations, a->s.final_tolerance);
    else {
        a->g = g + 1;
        start_batch(a);
        return;
    }
    a->ppc = 1;
    start_batch(a);
}

static void end_ppc(ric_abc *a)
{
    size_t np = a->st->n_probes;
    for (size_t i = 0; i < a->P; i++)
        for (size_t q = 0; q < a->n_t; q++)
            a->ppc_v[i * a->n_t + q] = ric_calibrate_target_value(&a->t[q], a->y + i * a->M * np);
    a->finished = 1;
}

/* Reads what folder RUNS holds of the batch; returns whether the batch is whole there. */
static int batch_from(ric_abc *a, const char *runs, size_t first, size_t end)
{
    int whole = 1;
    for (size_t i = first; i < end; i++) {
        if (!a->have[i] && load_unit(a, runs, i)) {
            a->kept++;
            a->units_done += i >= a->first && i < a->end;
        }
        whole &= a->have[i];
    }
    return whole;
}

/* Ends every batch that the folders hold whole, up to the first one they do not (whose slice is
 * then this process's): the replay of a resumed or merged calibration. */
static void replay(ric_abc *a, size_t shard, size_t n_shards)
{
    while (!a->finished) {
        if (!batch_from(a, a->main_runs, 0, a->n_units))
            break;
        if (a->ppc)
            end_ppc(a);
        else
            end_generation(a);
    }
    if (a->finished)
        return;
    ric_runs_slice(a->n_units, shard, n_shards, &a->first, &a->end);
    a->units_done = 0;
    for (size_t i = a->first; i < a->end; i++)
        a->units_done += a->have[i];
    if (a->sharded)
        batch_from(a, a->d.runs, a->first, a->end);
}

/* ---- running ------------------------------------------------------------------------------- */

int ric_abc_done(const ric_abc *a)
{
    return a->finished || (a->sharded && a->units_done == a->end - a->first);
}

ric_status ric_abc_step(ric_abc *a, ric_err *err)
{
    if (ric_abc_done(a))
        return RIC_OK;
    size_t k = a->k, np = a->st->n_probes, R = batch_reps(a);
    size_t runs = 8 * (size_t)(a->st->workers > 1 ? a->st->workers : 1);
    runs = runs < 16 ? 16 : runs;
    size_t per = runs / R ? runs / R : 1, m = 0;
    per = per < a->chunk ? per : a->chunk;
    for (size_t i = a->first; i < a->end && m < per; i++)
        if (!a->have[i]) {
            a->pick[m] = i;
            memcpy(a->xs + m * k, a->x + i * k, k * sizeof *a->xs);
            a->ms[m] = a->masters[i];
            m++;
        }
    if (m > 0) {
        ric_status rc = ric_study_eval_keyed(a->st, a->xs, m, a->ms, R, a->ys, err);
        if (rc != RIC_OK)
            return rc;
        a->runs += m * R;
        for (size_t q = 0; q < m; q++) {
            size_t i = a->pick[q];
            memcpy(a->y + i * a->M * np, a->ys + q * R * np, R * np * sizeof *a->y);
            if (a->opened) {
                char head[RIC_STUDY_MAX_PARAMS * 26 + 64];
                unit_head(a, i, head, sizeof head);
                rc = ric_study_dir_save(&a->d, unit_of(a, i), head, a->ys + q * R * np, R, np, err);
                if (rc != RIC_OK)
                    return rc;
            }
            a->have[i] = 1;
            a->units_done++;
        }
    }
    if (a->sharded || a->units_done < a->end - a->first)
        return RIC_OK;
    /* the batch is whole: the deterministic step, then whatever the folder holds of the next */
    if (a->ppc)
        end_ppc(a);
    else
        end_generation(a);
    if (a->opened)
        replay(a, 0, 1);
    return RIC_OK;
}

void ric_abc_progress_get(const ric_abc *a, ric_abc_progress *p)
{
    memset(p, 0, sizeof *p);
    p->generation = a->g;
    p->ppc = a->ppc;
    p->units = a->units_done;
    p->total = a->end - a->first;
    p->runs = a->runs;
    p->kept = a->kept;
    p->generations = a->n_gen;
    p->tolerance = a->eps;
    p->last_tolerance = p->last_acceptance = p->last_ess = NAN;
    if (a->n_gen) {
        p->last_tolerance = a->gen_eps[a->n_gen - 1];
        p->last_acceptance = a->gen_acc[a->n_gen - 1];
        p->last_ess = a->gen_ess[a->n_gen - 1];
    }
}

/* ---- the folder ---------------------------------------------------------------------------- */

/* study.tsv: the study, the method's settings and the targets (the distances depend on them). */
static char *plan_text(const ric_abc *a)
{
    const ric_study *st = a->st;
    ric_sbuf b = {0};
    ric_study_describe(st, "calibration", a->label, &b);
    char safe[4 * RIC_PATH_MAX];
    ric_sbuf_put(&b,
                 "# method=abc_smc particles=%zu generations=%zu ppc_draws=%zu "
                 "final_tolerance=%.17g ess_ratio=%.17g min_acceptance=%.17g\n",
                 a->N, a->s.generations, a->P, a->s.final_tolerance, a->s.ess_ratio,
                 a->s.min_acceptance);
    ric_sbuf_put(&b, "# targets=%s\n", ric_text_field(a->targets, safe, sizeof safe));
    for (size_t i = 0; i < a->n_t; i++) {
        const ric_target *t = &a->t[i];
        if (!(t->weight > 0))
            continue;
        char lab[256];
        ric_calibrate_target_label(t, lab, sizeof lab);
        ric_sbuf_put(&b, "# target %s@%.17g %c %.17g tolerance=%.17g weight=%.17g\n", lab, t->year,
                     t->relation, t->observed, t->tolerance, t->weight);
    }
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}

ric_status ric_abc_open(ric_abc *a, const char *dir, const ric_study_dir_opts *o, int *complete,
                        ric_err *err)
{
    *complete = 0;
    if (a->opened || a->runs || a->n_gen) {
        ric_err_set(err, "%s: the calibration has already started", a->label);
        return RIC_EUSAGE;
    }
    char *plan = plan_text(a);
    if (!plan) {
        ric_err_set(err, "%s: out of memory", a->label);
        return RIC_ENOMEM;
    }
    ric_status rc = RIC_OK;
    snprintf(a->main_dir, sizeof a->main_dir, "%s", dir);
    ric_fs_join(dir, ".runs", a->main_runs);
    if (o->n_shards > 1) {
        /* a shard runs its slice on top of what the merges gathered in DIR: the same study */
        char path[RIC_PATH_MAX];
        ric_fs_join(dir, "study.tsv", path);
        char *old = ric_fs_exists(path) ? ric_fs_read_regular(path, NULL) : NULL;
        if (old && strcmp(old, plan) != 0) {
            ric_err_set(err,
                        "%s: the calibration differs from the one this folder started with; "
                        "use another folder",
                        path);
            rc = RIC_EUSAGE;
        }
        free(old);
        ric_fs_join(dir, "posterior.tsv", path);
        if (rc == RIC_OK && ric_fs_exists(path) && !ric_fs_exists(a->main_runs)) {
            free(plan);
            *complete = 1;
            a->finished = 1;
            return RIC_OK;
        }
    }
    if (rc == RIC_OK)
        rc = ric_study_dir_open(&a->d, dir, o, "calibration", plan, result_files, "eval", err);
    free(plan);
    if (rc != RIC_OK)
        return rc;
    a->opened = 1;
    a->sharded = o->n_shards > 1;
    if (a->d.complete) {
        *complete = 1;
        a->finished = 1;
        return RIC_OK;
    }
    replay(a, o->shard, o->n_shards);
    if (a->sharded && a->finished)
        *complete = 1;
    return RIC_OK;
}

ric_status ric_abc_finish(ric_abc *a, ric_err *err)
{
    if (!a->opened || !ric_abc_done(a)) {
        ric_err_set(err, "%s: the calibration has not been run to the end", a->label);
        return RIC_EUSAGE;
    }
    ric_status rc = RIC_OK;
    if (!a->sharded && !a->d.complete)
        rc = ric_abc_write(a, a->d.dir, 1, err);
    ric_study_dir_close(&a->d, rc == RIC_OK && !a->sharded);
    a->opened = 0;
    return rc;
}

ric_status ric_abc_merge(ric_abc *a, const char *dir, int force, int remove_shards,
                         size_t *n_shards, int *complete, ric_err *err)
{
    *complete = 0;
    size_t n = 0;
    ric_status rc = ric_study_dir_shards(dir, &n, err);
    if (rc != RIC_OK)
        return rc;
    char *plan = plan_text(a);
    if (!plan) {
        ric_err_set(err, "%s: out of memory", a->label);
        return RIC_ENOMEM;
    }
    for (size_t i = 0; i < n && rc == RIC_OK; i++) {
        char sd[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        rc = ric_study_dir_check_shard(sd, plan, "calibration", a->label, err);
    }
    /* the folder, resumed: what earlier merges gathered stays */
    ric_study_dir_opts o = {.resume = 1};
    snprintf(a->main_dir, sizeof a->main_dir, "%s", dir);
    ric_fs_join(dir, ".runs", a->main_runs);
    (void)force;
    if (rc == RIC_OK)
        rc = ric_study_dir_open(&a->d, dir, &o, "calibration", plan, result_files, "eval", err);
    free(plan);
    if (rc != RIC_OK)
        return rc;
    a->opened = 1;
    if (a->d.complete) {
        a->finished = 1;
        *complete = 1;
    } else {
        replay(a, 0, 1);
    }
    /* the running batch from the shards: every unit checked before any is written */
    size_t np = a->st->n_probes, R = batch_reps(a);
    for (size_t i = 0; i < n && rc == RIC_OK && !a->finished; i++) {
        char sd[RIC_PATH_MAX], runs[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, ".runs", runs);
        size_t first, end;
        ric_runs_slice(a->n_units, i, n, &first, &end);
        for (size_t u = first; u < end && rc == RIC_OK; u++)
            if (!a->have[u] && !load_unit(a, runs, u)) {
                ric_err_set(err,
                            "%s: %s %zu of %s %zu is missing or torn; run the shard again with "
                            "--shard %zu/%zu --resume",
                            sd, a->ppc ? "draw" : "particle", u,
                            a->ppc ? "the posterior-predictive batch after generation"
                                   : "generation",
                            a->ppc ? a->post_gen : a->g, i, n);
                rc = RIC_EUSAGE;
            }
    }
    for (size_t u = 0; u < a->n_units && rc == RIC_OK && !a->finished; u++) {
        char head[RIC_STUDY_MAX_PARAMS * 26 + 64];
        unit_head(a, u, head, sizeof head);
        rc = ric_study_dir_save(&a->d, unit_of(a, u), head, a->y + u * a->M * np, R, np, err);
    }
    if (rc == RIC_OK && !a->finished) {
        if (a->ppc)
            end_ppc(a);
        else
            end_generation(a);
        replay(a, 0, 1);
    }
    if (rc == RIC_OK && a->finished && !*complete) {
        rc = ric_abc_write(a, dir, 1, err);
        *complete = rc == RIC_OK;
    }
    ric_study_dir_close(&a->d, rc == RIC_OK && *complete);
    a->opened = 0;
    if (rc == RIC_OK && remove_shards)
        ric_study_dir_remove_shards(dir, n, "eval");
    if (rc == RIC_OK)
        *n_shards = n;
    return rc;
}

/* ---- results ------------------------------------------------------------------------------- */

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", f);
    else
        fprintf(f, "%.6g", v);
}

/* Weighted quantile Q of values v[0..n) under w (idx: scratch of n). */
static double wquantile(const double *v, const double *w, size_t n, double q, size_t *idx)
{
    gsl_sort_index(idx, v, 1, n);
    double tot = 0, acc = 0;
    for (size_t i = 0; i < n; i++)
        tot += w[i];
    if (!(tot > 0))
        return NAN;
    for (size_t i = 0; i < n; i++) {
        acc += w[idx[i]];
        if (acc >= q * tot)
            return v[idx[i]];
    }
    return v[idx[n - 1]];
}

static void header(FILE *f, const ric_abc *a, const char *what)
{
    const ric_study *st = a->st;
    char safe[4 * RIC_PATH_MAX];
    fprintf(f, "# ricsim_version=%s\n", RIC_VERSION);
    fprintf(f, "# calibration=%s\n", ric_text_field(a->label, safe, sizeof safe));
    fprintf(f, "# scenario=%s (%s, hash %016llx)\n",
            ric_text_field(st->scenario, safe, sizeof safe), st->scenario_name,
            (unsigned long long)st->scenario_hash);
    fprintf(f, "# targets=%s\n", ric_text_field(a->targets, safe, sizeof safe));
    fprintf(f,
            "# method=abc_smc (ABC-SMC as population Monte Carlo: Toni et al. 2009; kernel and "
            "importance weights: Beaumont et al. 2009; %zu replications per particle and the "
            "tolerance rule: Del Moral, Doucet and Jasra 2012)\n",
            a->M);
    fprintf(f,
            "# particles=%zu replications=%zu seed=%llu final_tolerance=%g ess_ratio=%g "
            "min_acceptance=%g\n",
            a->N, a->M, (unsigned long long)st->seed, a->s.final_tolerance, a->s.ess_ratio,
            a->s.min_acceptance);
    fprintf(f, "# distance=sqrt(sum_k w_k ((value_k - observed_k) / tolerance_k)^2 / sum_k w_k) "
               "per replication (a bound counts only when broken); a particle's likelihood is the "
               "share of its replications within the generation's tolerance\n");
    fprintf(f, "# generations=%zu posterior=generation %zu stopped: %s\n", a->n_gen, a->post_gen,
            a->stop);
    fputs("# tolerances=", f);
    for (size_t g = 0; g < a->n_gen; g++) {
        fputs(g ? "," : "", f);
        put_num(f, a->gen_eps[g]);
    }
    fputs("\n# ess=", f);
    for (size_t g = 0; g < a->n_gen; g++)
        fprintf(f, "%s%.4g", g ? "," : "", a->gen_ess[g]);
    fputs("\n# acceptance=", f);
    for (size_t g = 0; g < a->n_gen; g++)
        fprintf(f, "%s%.4g", g ? "," : "", a->gen_acc[g]);
    fputc('\n', f);
    for (size_t j = 0; j < a->k; j++) {
        const ric_study_param *p = &st->params[j];
        fprintf(f, "# parameter=%s key=%s prior=%s min=%.9g max=%.9g source=%s\n", p->name, p->key,
                p->log_prior ? "log_uniform" : "uniform", p->lo, p->hi,
                ric_text_field(p->source, safe, sizeof safe));
    }
    fprintf(f, "# %s\n", what);
}

static void write_posterior(FILE *f, const ric_abc *a)
{
    size_t k = a->k;
    double ess = ric_abc_ess(a->post_w, a->N);
    char what[128];
    snprintf(what, sizeof what,
             "one row per accepted particle of generation %zu (effective sample size %.4g)",
             a->post_gen, ess);
    header(f, a, what);
    fputs("weight", f);
    for (size_t j = 0; j < k; j++)
        fprintf(f, "\t%s", a->st->params[j].name);
    fputc('\n', f);
    double x[RIC_STUDY_MAX_PARAMS];
    for (size_t i = 0; i < a->N; i++) {
        if (!(a->post_w[i] > 0))
            continue;
        to_x(a, a->post_z + i * k, x);
        fprintf(f, "%.9g", a->post_w[i]);
        for (size_t j = 0; j < k; j++)
            fprintf(f, "\t%.9g", x[j]);
        fputc('\n', f);
    }
}

static void write_ppc(FILE *f, const ric_abc *a, double *tmp)
{
    header(f, a,
           "posterior-predictive check: each target over ppc_draws fresh runs at parameters "
           "drawn from the posterior by weight (keyed by the seed), beside its observation");
    fputs("target\tyear\tuntil\tstat\tcolumn\tover\trelation\tobserved\ttolerance\tweight\t"
          "ppc_mean\tppc_q025\tppc_q975\tppc_n\tobserved_in_band\tnote\n",
          f);
    static const char *const stats[] = {"value", "change", "sum"};
    for (size_t q = 0; q < a->n_t; q++) {
        const ric_target *t = &a->t[q];
        size_t m = 0;
        for (size_t i = 0; i < a->P; i++) {
            double v = a->ppc_v[i * a->n_t + q];
            if (!isnan(v))
                tmp[m++] = v;
        }
        double mean = NAN, lo = NAN, hi = NAN;
        if (m) {
            double s = 0;
            for (size_t i = 0; i < m; i++)
                s += tmp[i];
            mean = s / (double)m;
            gsl_sort(tmp, 1, m);
            lo = gsl_stats_quantile_from_sorted_data(tmp, 1, m, 0.025);
            hi = gsl_stats_quantile_from_sorted_data(tmp, 1, m, 0.975);
        }
        char lab[256];
        ric_calibrate_target_label(t, lab, sizeof lab);
        fprintf(f, "%s\t%g\t", lab, t->year);
        put_num(f, t->until);
        fprintf(f, "\t%s\t%s\t%s\t%c\t", stats[t->stat], t->column, t->over[0] ? t->over : "-",
                t->relation);
        put_num(f, t->observed);
        fputc('\t', f);
        put_num(f, t->tolerance);
        fprintf(f, "\t%g\t", t->weight);
        put_num(f, mean);
        fputc('\t', f);
        put_num(f, lo);
        fputc('\t', f);
        put_num(f, hi);
        /* a bound is met in the band when the band's side that counts is on the right side */
        const char *in = "na";
        if (!isnan(t->observed) && m)
            in = t->relation == '>'                         ? (hi > t->observed ? "yes" : "no")
                 : t->relation == '<'                       ? (lo < t->observed ? "yes" : "no")
                 : (t->observed >= lo && t->observed <= hi) ? "yes"
                                                            : "no";
        fprintf(f, "\t%zu\t%s\t%s\n", m, in, t->note);
    }
}

static void write_identification(FILE *f, const ric_abc *a, double *vals, size_t *idx)
{
    size_t k = a->k, N = a->N;
    header(f, a,
           "identification: three blocks (gnuplot index 0, 1, 2): prior against posterior per "
           "parameter; weighted posterior correlations in the prior's coordinates (log for a "
           "log_uniform prior); acceptance and effective sample size per generation");
    fputs("parameter\tkey\tprior\tmin\tmax\tprior_q025\tprior_q975\tpost_mean\tpost_median\t"
          "post_sd\tpost_q025\tpost_q975\twidth_ratio\n",
          f);
    double x[RIC_STUDY_MAX_PARAMS];
    double *xs = vals; /* N x k in the parameters' units */
    for (size_t i = 0; i < N; i++) {
        to_x(a, a->post_z + i * k, x);
        memcpy(xs + i * k, x, k * sizeof *x);
    }
    double *col = vals + N * k;
    for (size_t j = 0; j < k; j++) {
        const ric_study_param *p = &a->st->params[j];
        /* the prior's middle 95% in the parameter's units */
        double plo = p->log_prior ? exp(a->lo[j] + 0.025 * (a->hi[j] - a->lo[j]))
                                  : p->lo + 0.025 * (p->hi - p->lo);
        double phi = p->log_prior ? exp(a->lo[j] + 0.975 * (a->hi[j] - a->lo[j]))
                                  : p->lo + 0.975 * (p->hi - p->lo);
        for (size_t i = 0; i < N; i++)
            col[i] = xs[i * k + j];
        double m, v;
        wmoments(xs, a->post_w, N, k, j, &m, &v);
        double med = wquantile(col, a->post_w, N, 0.5, idx);
        double qlo = wquantile(col, a->post_w, N, 0.025, idx);
        double qhi = wquantile(col, a->post_w, N, 0.975, idx);
        /* the width ratio in the prior's coordinates, so a log-uniform range compares alike */
        double wr = p->log_prior ? (log(qhi) - log(qlo)) / (0.95 * (a->hi[j] - a->lo[j]))
                                 : (qhi - qlo) / (phi - plo);
        fprintf(f, "%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t", p->name, p->key,
                p->log_prior ? "log_uniform" : "uniform", p->lo, p->hi, plo, phi);
        double out[] = {m, med, sqrt(v), qlo, qhi, wr};
        for (size_t q = 0; q < 6; q++) {
            put_num(f, out[q]);
            fputc(q + 1 < 6 ? '\t' : '\n', f);
        }
    }
    fputs("\n\nparameter", f);
    for (size_t j = 0; j < k; j++)
        fprintf(f, "\t%s", a->st->params[j].name);
    fputc('\n', f);
    double mz[RIC_STUDY_MAX_PARAMS], vz[RIC_STUDY_MAX_PARAMS];
    for (size_t j = 0; j < k; j++)
        wmoments(a->post_z, a->post_w, N, k, j, &mz[j], &vz[j]);
    for (size_t j = 0; j < k; j++) {
        fprintf(f, "%s", a->st->params[j].name);
        for (size_t q = 0; q < k; q++) {
            double c = 0, tw = 0;
            for (size_t i = 0; i < N; i++) {
                c += a->post_w[i] * (a->post_z[i * k + j] - mz[j]) * (a->post_z[i * k + q] - mz[q]);
                tw += a->post_w[i];
            }
            double r = vz[j] > 0 && vz[q] > 0 ? c / tw / sqrt(vz[j] * vz[q]) : NAN;
            fputc('\t', f);
            put_num(f, r);
        }
        fputc('\n', f);
    }
    fputs("\n\ngeneration\ttolerance\tacceptance\tparticles_accepted\tess\n", f);
    for (size_t g = 0; g < a->n_gen; g++) {
        fprintf(f, "%zu\t", g);
        put_num(f, a->gen_eps[g]);
        fprintf(f, "\t%.6g\t%zu\t%.6g\n", a->gen_acc[g], a->gen_n[g], a->gen_ess[g]);
    }
}

ric_status ric_abc_write(ric_abc *a, const char *dir, int force, ric_err *err)
{
    if (!a->finished || !a->have_post) {
        ric_err_set(err, "%s: the calibration has not been run to the end", a->label);
        return RIC_EUSAGE;
    }
    ric_status rc = ric_study_outdir(dir, "posterior.tsv", force, err);
    if (rc != RIC_OK)
        return rc;
    size_t n = a->N * (a->k + 1) + a->P + 1;
    double *tmp = malloc(n * sizeof *tmp);
    size_t *idx = malloc((a->N + 1) * sizeof *idx);
    if (!tmp || !idx) {
        free(tmp);
        free(idx);
        ric_err_set(err, "%s: out of memory", a->label);
        return RIC_ENOMEM;
    }
    enum { PPC, IDENT, POST, NF };
    ric_atomic fo[NF] = {{0}};
    for (int i = 0; i < NF && rc == RIC_OK; i++)
        rc = ric_atomic_open(&fo[i], dir, result_files[i], RIC_ATOMIC_HIDDEN, err);
    if (rc == RIC_OK) {
        write_ppc(fo[PPC].f, a, tmp);
        write_identification(fo[IDENT].f, a, tmp, idx);
        write_posterior(fo[POST].f, a);
        rc = ric_atomic_commit_set(fo, NF, err);
    }
    for (int i = 0; i < NF; i++)
        ric_atomic_abort(&fo[i]);
    free(tmp);
    free(idx);
    return rc;
}
