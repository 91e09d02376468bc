/* Sweeps (ric_sweep_* in ricsim/experiment.h), and the files a sweep owns in its folder, which the
 * merge of shards owns in the same way. */
#ifndef RICSIM_SWEEP_H
#define RICSIM_SWEEP_H

#include "ricsim/experiment.h"

/* Files a sweep owns in its folder: --force removes them, and any of them present means results
 * that must not be overwritten without it. From RIC_SWEEP_FIRST_DERIVED on (stats.tsv and
 * after) they are computed from series.tsv once the runs are done. */
#define RIC_SWEEP_N_RESULT_FILES 16
#define RIC_SWEEP_FIRST_DERIVED 4
extern const char *const ric_sweep_result_files[RIC_SWEEP_N_RESULT_FILES];

/* Finds the shard folders of DIR (DIR/shard-I-of-N, real folders, for every I < N and nothing
 * else of that form): sets *n. Errors name the missing shard or the mixed counts, calling the
 * folder's runs KIND (one) and KINDS (several). Used by merge and by the studies. */
ric_status ric_sweep_find_shards(const char *dir, const char *kind, const char *kinds, size_t *n,
                                 ric_err *err);

#endif
