/* Reading a study file (calibration, sensitivity): opening it with its folder as the include
 * folder, its group, and the keys every study shares, on top of the cfg module's located getters
 * (ricsim/cfg.h). Internal to sim/. */
#ifndef RICSIM_STUDY_CFG_H
#define RICSIM_STUDY_CFG_H

#include "input/cfg.h"
#include "studies/study.h"

typedef struct {
    config_t cfg;
    ric_cfg c; /* locations and the first failure: pass &s->c to the ric_cfg_* getters */
    char path[RIC_PATH_MAX]; /* the study file as given */
    char dir[RIC_PATH_MAX];  /* its folder: @include and relative file names resolve against it */
} ric_studycfg;

/* Parses PATH; on failure fills err and returns RIC_EIO (cannot open), RIC_EUSAGE or
 * RIC_ESCENARIO (syntax). On success the caller closes s with ric_studycfg_close. */
ric_status ric_studycfg_open(ric_studycfg *s, const char *path, ric_err *err);
void ric_studycfg_close(ric_studycfg *s);

enum { RIC_KIND_EXPERIMENT = 1, RIC_KIND_SENSITIVITY = 2, RIC_KIND_CALIBRATION = 4 };
/* Which top-level groups PATH holds ('experiment', 'sensitivity', 'calibration': RIC_KIND_*
 * bits); 0 when none, or when it does not parse (a scenario loader then says why). */
int ric_studycfg_kinds(const char *path);

/* The top-level group NAME (required). */
config_setting_t *ric_studycfg_group(ric_studycfg *s, const char *name);
/* Joins a file name read from the study file to the study file's folder (unless absolute). */
void ric_studycfg_file(const ric_studycfg *s, const char *name, char *buf, size_t n);

/* The keys every study shares: scenario (optional; default the study file itself, which then
 * @includes a scenario), parameters (a list of { key; name; min; max; start; prior; source; };
 * 'start', 'prior' and 'source' only WITH_START: a calibration), replications, seed and
 * workers. */
void ric_studycfg_common(ric_studycfg *s, config_setting_t *g, ric_study *st, int with_start,
                         size_t default_reps);

#endif
