/* The effective scenario text of a loaded scenario (effective.c). */
#ifndef RICSIM_EFFECTIVE_H
#define RICSIM_EFFECTIVE_H

#include <libconfig.h>

#include "ricsim/scenario.h"

/* Rewrites the rules (every parameter's value) and the seed of CFG, the tree SC was validated
 * from, and sets sc->effective to the tree's text and sc->hash to its hash. RIC_ENOMEM when out of
 * memory (sc is then unchanged). */
ric_status ric_effective_write(config_t *cfg, ric_scenario *sc);

#endif
