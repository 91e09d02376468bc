/* Merging a sharded sweep: joins DIR/shard-I-of-N into DIR, byte for byte what one unsharded
 * sweep writes. */
#include "ricsim/experiment.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/atomic.h"
#include "base/fs.h"
#include "base/lock.h"
#include "batch/sweep.h"
#include "batch/tidy.h"
#include "ricsim/stats.h"

/* The lines of a text read whole: pointers to their starts, each line ending in '\n' (cut to
 * '\0' in place). */
typedef struct {
    char *text;
    char **line;
    size_t n;
} lines;

static void lines_fini(lines *l)
{
    free(l->text);
    free(l->line);
    memset(l, 0, sizeof *l);
}

/* Reads PATH (a regular file: a FIFO or a device is refused, never waited on) into l. */
static ric_status lines_read(const char *path, lines *l, ric_err *err)
{
    memset(l, 0, sizeof *l);
    size_t len = 0;
    l->text = ric_fs_read_regular(path, &len);
    if (!l->text) {
        ric_err_set(err, "%s: cannot read: %s", path,
                    errno == EINVAL ? "not a regular file" : strerror(errno));
        return RIC_EIO;
    }
    if (memchr(l->text, '\0', len)) {
        ric_err_set(err, "%s: not a text file", path);
        return RIC_EUSAGE;
    }
    if (len && l->text[len - 1] != '\n') {
        ric_err_set(err, "%s: truncated (no newline at the end)", path);
        return RIC_EUSAGE;
    }
    size_t cap = 0;
    for (char *p = l->text; *p;) {
        if (l->n == cap) {
            cap = cap ? 2 * cap : 256;
            char **g = realloc(l->line, cap * sizeof *g);
            if (!g) {
                ric_err_set(err, "out of memory");
                return RIC_ENOMEM;
            }
            l->line = g;
        }
        l->line[l->n++] = p;
        char *nl = strchr(p, '\n');
        *nl = '\0';
        p = nl + 1;
    }
    return RIC_OK;
}

static size_t n_fields(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == '\t';
    return n;
}

/* Length of the first K tab-separated fields of S, with the tab after them (S has more). */
static size_t prefix_len(const char *s, size_t k)
{
    const char *p = s;
    for (size_t i = 0; i < k && p; i++) {
        p = strchr(p, '\t');
        if (p)
            p++;
    }
    return p ? (size_t)(p - s) : strlen(s) + 1;
}

/* The plan's rows (plan.tsv without comments): row 0 the header, row 1 + id run id's. k: the
 * fields that runs.tsv repeats (up to the seed, before the command). */
typedef struct {
    lines l;
    char **row;
    size_t n_runs, k;
} plan_rows;

static ric_status plan_rows_make(const char *path, plan_rows *p, ric_err *err)
{
    memset(p, 0, sizeof *p);
    ric_status st = lines_read(path, &p->l, err);
    if (st != RIC_OK)
        return st;
    size_t n = 0;
    for (size_t i = 0; i < p->l.n; i++)
        if (p->l.line[i][0] != '#')
            p->l.line[n++] = p->l.line[i];
    p->row = p->l.line;
    if (n < 1 || strncmp(p->row[0], "run\t", 4) != 0 || n_fields(p->row[0]) < 6) {
        ric_err_set(err, "%s: not a plan (no 'run' header)", path);
        return RIC_EUSAGE;
    }
    p->n_runs = n - 1;
    p->k = n_fields(p->row[0]) - 1;
    for (size_t id = 0; id < p->n_runs; id++) {
        unsigned long long got = 0;
        char *end = NULL;
        got = strtoull(p->row[1 + id], &end, 10);
        if (got != id || *end != '\t' || n_fields(p->row[1 + id]) != p->k + 1) {
            ric_err_set(err, "%s: row %zu is not run %zu", path, id + 1, id);
            return RIC_EUSAGE;
        }
    }
    return RIC_OK;
}

/* Checks a shard's runs.tsv (its lines r) against the plan: the header HEAD (shard 0's), then
 * one row per run FIRST..END-1 in order, each repeating its plan row up to the seed. */
static ric_status check_runs(const char *path, const lines *r, const char *head, const plan_rows *p,
                             size_t first, size_t end, ric_err *err)
{
    size_t i = 0;
    while (i < r->n && r->line[i][0] == '#')
        i++;
    if (i >= r->n || strcmp(r->line[i], head) != 0 ||
        strncmp(head, p->row[0], prefix_len(p->row[0], p->k)) != 0) {
        ric_err_set(err, "%s:%zu: the header differs from the plan's and shard 0's", path, i + 1);
        return RIC_EUSAGE;
    }
    size_t nf = n_fields(head), id = first;
    for (i++; i < r->n; i++, id++) {
        const char *row = r->line[i], *want = p->row[1 + (id < end ? id : 0)];
        if (id >= end || n_fields(row) != nf || strncmp(row, want, prefix_len(want, p->k)) != 0) {
            ric_err_set(err, "%s:%zu: expected the row of run %zu of the plan", path, i + 1, id);
            return RIC_EUSAGE;
        }
    }
    if (id != end) {
        ric_err_set(err, "%s: %zu of the shard's %zu runs are missing", path, end - id,
                    end - first);
        return RIC_EUSAGE;
    }
    return RIC_OK;
}

/* Checks a shard's series.tsv (its lines s) against the plan: the data sets of runs FIRST..END-1
 * in order, each "# [run K] design_row=R replication=P seed=S" as planned, then a header and rows
 * with as many fields as the header. Sets *body to the first line of the first data set. */
static ric_status check_series(const char *path, const lines *s, const plan_rows *p, size_t first,
                               size_t end, size_t *body, ric_err *err)
{
    size_t id = first, i = 0;
    while (i < s->n && strncmp(s->line[i], "# [run ", 7) != 0)
        i++;
    *body = i;
    while (i < s->n) {
        size_t run, row, rep, prow, prep;
        unsigned long long seed;
        if (id >= end ||
            sscanf(s->line[i], "# [run %zu] design_row=%zu replication=%zu seed=%llu", &run, &row,
                   &rep, &seed) != 4 ||
            run != id || sscanf(p->row[1 + id], "%*u\t%zu\t%zu", &prow, &prep) != 2 ||
            row != prow || rep != prep ||
            strtoull(p->row[1 + id] + prefix_len(p->row[1 + id], p->k - 1), NULL, 10) != seed) {
            ric_err_set(err, "%s:%zu: expected the data set of run %zu of the plan", path, i + 1,
                        id);
            return RIC_EUSAGE;
        }
        for (i++; i < s->n && s->line[i][0] == '#'; i++)
            ;
        if (i >= s->n || !s->line[i][0]) {
            ric_err_set(err, "%s:%zu: the data set of run %zu has no header row", path, i + 1, id);
            return RIC_EUSAGE;
        }
        size_t nf = n_fields(s->line[i]);
        for (i++; i < s->n && s->line[i][0]; i++)
            if (n_fields(s->line[i]) != nf) {
                ric_err_set(err, "%s:%zu: a row that does not match its header", path, i + 1);
                return RIC_EUSAGE;
            }
        for (; i < s->n && !s->line[i][0]; i++)
            ;
        id++;
    }
    if (id != end) {
        ric_err_set(err, "%s: %zu of the shard's %zu data sets are missing", path, end - id,
                    end - first);
        return RIC_EUSAGE;
    }
    return RIC_OK;
}

/* Checks a shard's regions.tsv (its lines g) against the plan: data sets "# [run K region NAME]
 * design_row=R replication=P" of runs FIRST..END-1 in run order (several per run, one per
 * region; none for a failed run), each as planned, with a header and rows with as many fields as
 * the header. Sets *body to the first line of the first data set's two blank lines. */
static ric_status check_regions(const char *path, const lines *g, const plan_rows *p, size_t first,
                                size_t end, size_t *body, ric_err *err)
{
    size_t i = 0, last = first;
    while (i < g->n && g->line[i][0] == '#')
        i++;
    *body = i;
    for (; i < g->n && !g->line[i][0]; i++)
        ;
    while (i < g->n) {
        size_t run = 0, row, rep, prow, prep;
        int at = 0;
        const char *close = NULL;
        if (sscanf(g->line[i], "# [run %zu region %n", &run, &at) == 1 && at > 0)
            close = strchr(g->line[i] + at, ']');
        if (!close || close == g->line[i] + at || run < last || run >= end ||
            sscanf(close, "] design_row=%zu replication=%zu", &row, &rep) != 2 ||
            sscanf(p->row[1 + run], "%*u\t%zu\t%zu", &prow, &prep) != 2 || row != prow ||
            rep != prep) {
            ric_err_set(err, "%s:%zu: expected a region's data set of run %zu to %zu of the plan",
                        path, i + 1, last, end - 1);
            return RIC_EUSAGE;
        }
        last = run;
        for (i++; i < g->n && g->line[i][0] == '#'; i++)
            ;
        if (i >= g->n || !g->line[i][0]) {
            ric_err_set(err, "%s:%zu: the data set has no header row", path, i + 1);
            return RIC_EUSAGE;
        }
        size_t nf = n_fields(g->line[i]);
        for (i++; i < g->n && g->line[i][0]; i++)
            if (n_fields(g->line[i]) != nf) {
                ric_err_set(err, "%s:%zu: a row that does not match its header", path, i + 1);
                return RIC_EUSAGE;
            }
        for (; i < g->n && !g->line[i][0]; i++)
            ;
    }
    return RIC_OK;
}

/* Writes lines FROM.. of l to OUT, each with its newline. */
static void put_lines(FILE *out, const lines *l, size_t from)
{
    for (size_t i = from; i < l->n; i++) {
        fputs(l->line[i], out);
        fputc('\n', out);
    }
}

ric_status ric_sweep_find_shards(const char *dir, const char *kind, const char *kinds,
                                 size_t *n_out, ric_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ric_err_set(err, "%s: cannot open: %s", dir, strerror(errno));
        return RIC_EIO;
    }
    size_t n = 0, seen = 0;
    int mixed = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t i, k;
        int end = 0;
        if (sscanf(e->d_name, "shard-%zu-of-%zu%n", &i, &k, &end) != 2 || e->d_name[end])
            continue;
        mixed |= n && k != n;
        bad |= i >= k;
        n = k;
        seen++;
    }
    closedir(d);
    if (mixed) {
        ric_err_set(err, "%s: holds shards of %s cut into different numbers of shards", dir, kinds);
        return RIC_EUSAGE;
    }
    if (n == 0) {
        ric_err_set(err, "%s: no shard folders (shard-I-of-N) to merge", dir);
        return RIC_EUSAGE;
    }
    for (size_t i = 0; i < n; i++) {
        char sd[RIC_PATH_MAX];
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        if (!ric_fs_is_real_dir(sd)) {
            ric_err_set(err, "%s: missing; run it with --shard %zu/%zu", sd, i, n);
            return RIC_EUSAGE;
        }
    }
    if (bad || seen != n) {
        ric_err_set(err, "%s: holds shard folders that do not belong to one %zu-shard %s", dir, n,
                    kind);
        return RIC_EUSAGE;
    }
    *n_out = n;
    return RIC_OK;
}

ric_status ric_sweep_merge(const char *dir, int force, size_t *n_shards, ric_err *err)
{
    size_t n = 0;
    ric_status st = ric_sweep_find_shards(dir, "sweep", "sweeps", &n, err);
    if (st != RIC_OK)
        return st;
    char path[RIC_PATH_MAX], sd[RIC_PATH_MAX];
    char *plan = NULL;
    enum { PLAN, RUNS, REGIONS, SERIES, NF }; /* renamed in this order, series.tsv last */
    static const char *const names[NF] = {"plan.tsv", "runs.tsv", "regions.tsv", "series.tsv"};
    ric_atomic f[NF] = {{0}};
    for (size_t i = 0; i < n && st == RIC_OK; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, "stats.tsv", path);
        char runs_dir[RIC_PATH_MAX];
        ric_fs_join(sd, ".runs", runs_dir);
        if (!ric_fs_exists(path) || ric_fs_exists(runs_dir)) {
            ric_err_set(err, "%s: the shard is not complete%s; run it again with --resume", sd,
                        ric_fs_exists(runs_dir) ? " (or has failed runs)" : "");
            st = RIC_EUSAGE;
            break;
        }
        ric_fs_join(sd, "plan.tsv", path);
        char *text = ric_fs_read(path, NULL);
        if (!text) {
            ric_err_set(err, "%s: cannot read: %s", path, strerror(errno));
            st = RIC_EIO;
        } else if (!plan) {
            plan = text;
        } else {
            int same = strcmp(plan, text) == 0;
            free(text);
            if (!same) {
                ric_err_set(err, "%s: the shard ran a different plan than shard 0", path);
                st = RIC_EUSAGE;
            }
        }
    }
    for (size_t i = 0; st == RIC_OK && i < RIC_SWEEP_N_RESULT_FILES; i++) {
        ric_fs_join(dir, ric_sweep_result_files[i], path);
        if (!ric_fs_exists(path))
            continue;
        if (!force) {
            ric_err_set(err, "%s: already holds results (%s); use --force to replace them", dir,
                        ric_sweep_result_files[i]);
            st = RIC_EUSAGE;
        } else {
            unlink(path);
        }
    }
    /* every shard checked against the plan before anything is written: the merge is all or
     * nothing, and an error names the broken shard's file and line */
    plan_rows pr = {0};
    ric_sweep_shard_dir(dir, 0, n, sd, sizeof sd);
    ric_fs_join(sd, "plan.tsv", path);
    if (st == RIC_OK)
        st = plan_rows_make(path, &pr, err);
    ric_plan *shape = st == RIC_OK ? calloc(1, sizeof *shape) : NULL; /* n_runs, for the slices */
    if (st == RIC_OK && !shape) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
    }
    if (shape)
        shape->n_runs = pr.n_runs;
    lines *runs = st == RIC_OK ? calloc(n, sizeof *runs) : NULL;
    lines *series = st == RIC_OK ? calloc(n, sizeof *series) : NULL;
    lines *regions = st == RIC_OK ? calloc(n, sizeof *regions) : NULL;
    size_t *body = st == RIC_OK ? calloc(2 * n, sizeof *body) : NULL; /* series, then regions */
    if (st == RIC_OK && (!runs || !series || !regions || !body)) {
        ric_err_set(err, "out of memory");
        st = RIC_ENOMEM;
    }
    const char *head = NULL;
    for (size_t i = 0; st == RIC_OK && i < n; i++) {
        size_t first, end;
        ric_plan_shard(shape, i, n, &first, &end);
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        ric_fs_join(sd, "runs.tsv", path);
        st = lines_read(path, &runs[i], err);
        if (st == RIC_OK && !head) {
            for (size_t j = 0; j < runs[0].n && !head; j++)
                if (runs[0].line[j][0] != '#')
                    head = runs[0].line[j];
            if (!head)
                head = "";
        }
        if (st == RIC_OK)
            st = check_runs(path, &runs[i], head, &pr, first, end, err);
        ric_fs_join(sd, "series.tsv", path);
        if (st == RIC_OK)
            st = lines_read(path, &series[i], err);
        if (st == RIC_OK)
            st = check_series(path, &series[i], &pr, first, end, &body[i], err);
        ric_fs_join(sd, "regions.tsv", path);
        if (st == RIC_OK)
            st = lines_read(path, &regions[i], err);
        if (st == RIC_OK)
            st = check_regions(path, &regions[i], &pr, first, end, &body[n + i], err);
    }
    for (int k = 0; st == RIC_OK && k < NF; k++)
        st = ric_atomic_open(&f[k], dir, names[k], 0, err);
    if (st == RIC_OK)
        fputs(plan, f[PLAN].f);
    /* runs.tsv: shard 0's head and header, then each shard's rows; series.tsv and regions.tsv:
     * shard 0's head, then each shard's data sets. Shards are slices in run order: the unsharded
     * order. */
    for (size_t i = 0; st == RIC_OK && i < n; i++) {
        size_t from = 0;
        if (i)
            while (from < runs[i].n && runs[i].line[from++][0] == '#')
                ;
        put_lines(f[RUNS].f, &runs[i], from);
        put_lines(f[SERIES].f, &series[i], i ? body[i] : 0);
        put_lines(f[REGIONS].f, &regions[i], i ? body[n + i] : 0);
    }
    for (size_t i = 0; runs && i < n; i++)
        lines_fini(&runs[i]);
    for (size_t i = 0; series && i < n; i++)
        lines_fini(&series[i]);
    for (size_t i = 0; regions && i < n; i++)
        lines_fini(&regions[i]);
    free(runs);
    free(series);
    free(regions);
    free(body);
    free(shape);
    lines_fini(&pr.l);
    if (st == RIC_OK)
        st = ric_atomic_commit_set(f, NF, err);
    if (st == RIC_OK) {
        st = ric_tidy_finish(dir, err); /* stats.tsv last, as a sweep writes it */
        if (st != RIC_OK)               /* all or nothing: no merged files without their tables */
            for (int k = 0; k < NF; k++) {
                ric_fs_join(dir, names[k], path);
                unlink(path);
            }
    }
    for (int k = 0; k < NF; k++)
        ric_atomic_abort(&f[k]); /* nothing left to remove once committed */
    free(plan);
    if (st == RIC_OK)
        *n_shards = n;
    return st;
}

/* ---- --remove-shards ------------------------------------------------------------------------ */

ric_status ric_sweep_remove_shards(const char *dir, size_t n, size_t *kept, ric_err *err)
{
    const char *names[RIC_SWEEP_N_RESULT_FILES + 1];
    for (size_t i = 0; i < RIC_SWEEP_N_RESULT_FILES; i++)
        names[i] = ric_sweep_result_files[i];
    names[RIC_SWEEP_N_RESULT_FILES] = NULL;
    static const char *const run_exts[] = {"row", "series", "regions", NULL};
    char path[RIC_PATH_MAX], sd[RIC_PATH_MAX];
    ric_fs_join(dir, "plan.tsv", path);
    char *plan = ric_fs_read_regular(path, NULL);
    if (!plan) {
        ric_err_set(err, "%s: cannot read the merged plan: %s", path, strerror(errno));
        return RIC_EIO;
    }
    ric_status st = RIC_OK;
    *kept = 0;
    for (size_t i = 0; i < n && st == RIC_OK; i++) {
        ric_sweep_shard_dir(dir, i, n, sd, sizeof sd);
        if (!ric_fs_is_real_dir(sd)) { /* a link to a folder is never followed */
            (*kept)++;
            continue;
        }
        /* held while its files go, so that no sweep writes into it meanwhile */
        int lock = ric_lock_take(sd, "sweep", err);
        if (lock < 0) {
            st = RIC_EUSAGE;
            break;
        }
        /* only a shard of the plan just merged: its plan.tsv is the merged one */
        ric_fs_join(sd, "plan.tsv", path);
        char *text = ric_fs_read_regular(path, NULL);
        int same = text && strcmp(text, plan) == 0;
        free(text);
        if (!same) {
            ric_lock_release(lock, sd);
            ric_err_set(err, "%s: changed since the merge; its files were left alone", sd);
            st = RIC_EUSAGE;
            break;
        }
        ric_fs_remove_own(sd, names, run_exts);
        ric_lock_release(lock, sd);
        if (rmdir(sd) != 0)
            (*kept)++; /* files that are not ricsim's */
    }
    free(plan);
    return st;
}
