/* The output folder of a study run like a sweep: its lock, study.tsv (what the study runs, which a
 * resumed or merged study must match), the per-unit results kept in DIR/.runs (a design point of a
 * sensitivity analysis, an evaluation of a calibration) so that --resume skips what is done, the
 * shards DIR/shard-I-of-N of a sensitivity analysis, and the all-or-nothing removal of stale
 * results. Internal to sim/. */
#ifndef RICSIM_STUDY_DIR_H
#define RICSIM_STUDY_DIR_H

#include <stddef.h>

#include "base/consts.h"
#include "ricsim/status.h"

typedef struct {
    int resume;             /* keep the units already complete in DIR/.runs */
    int force;              /* replace the results in DIR */
    size_t shard, n_shards; /* n_shards > 1: DIR/shard-I-of-N, a slice of the units */
} ric_study_dir_opts;

typedef struct {
    char dir[RIC_PATH_MAX];  /* the folder written: DIR, or DIR/shard-I-of-N */
    char runs[RIC_PATH_MAX]; /* its .runs */
    const char *ext;         /* of the unit files: K.EXT */
    int lock_fd;
    int complete; /* --resume found the final results there already */
} ric_study_dir;

/* Opens DIR for a study (WHO names it in messages: "sensitivity analysis"): creates it, takes its
 * lock, and decides what to do with what it holds. RESULTS (NULL-terminated) are the files the
 * study writes at its end, the last the mark of complete results. Without resume or force, any of
 * them, study.tsv or .runs there is refused; with force they are removed; with resume, study.tsv
 * must equal PLAN, and a folder holding the mark sets d->complete. Then writes study.tsv (PLAN)
 * and makes .runs. Unit files are K.EXT. On failure nothing is held. */
ric_status ric_study_dir_open(ric_study_dir *d, const char *dir, const ric_study_dir_opts *o,
                              const char *who, const char *plan, const char *const *results,
                              const char *ext, ric_err *err);

/* Saves unit K: the line HEAD, then N lines of M values (y[i * m + j]) written exactly (%.17g),
 * then "end"; atomically, without fsync (a torn file fails to load and the unit reruns). */
ric_status ric_study_dir_save(const ric_study_dir *d, size_t k, const char *head, const double *y,
                              size_t n, size_t m, ric_err *err);

/* Loads unit K from folder RUNS (a study's .runs, or a shard's) into y: 1 when K.EXT is whole and
 * its first line is HEAD, else 0 (y may be changed). */
int ric_study_dir_load(const char *runs, const char *ext, size_t k, const char *head, double *y,
                       size_t n, size_t m);

/* Ends the study's hold on its folder: removes .runs when REMOVE_RUNS (the results are written),
 * and the lock. */
void ric_study_dir_close(ric_study_dir *d, int remove_runs);

/* Finds the shards of DIR (DIR/shard-I-of-N for every I < N, nothing else of that form): sets *n.
 * Errors name the missing shard or the mixed counts. */
ric_status ric_study_dir_shards(const char *dir, size_t *n, ric_err *err);

/* Removes from shard folder SD what a study wrote there (study.tsv, provenance.txt, progress.json,
 * its K.EXT files) and SD itself when that leaves it empty; never a foreign file or through a
 * link. Returns 0 when SD is gone, 1 when foreign files keep it. */
int ric_study_dir_remove_shard(const char *sd, const char *ext);

/* Checks, before a merge, that shard folder SD has finished (no lock) and that its study.tsv is
 * PLAN, the merging study's own: else an error naming the file, with WHAT ("calibration",
 * "study") and LABEL, the merging study's file. */
ric_status ric_study_dir_check_shard(const char *sd, const char *plan, const char *what,
                                     const char *label, ric_err *err);

/* ric_study_dir_remove_shard on each of DIR's N shard folders (after a merge's --remove-shards). */
void ric_study_dir_remove_shards(const char *dir, size_t n, const char *ext);

#endif
