/* The table of count limits (limits.h). An entry names an aggregate by its path; the first entry
 * that matches wins, and any other aggregate takes RIC_LIMIT_MEMBERS. Each limit is far above the
 * shipped scenarios (at most 44 regions, 129 organisation cohorts, 44 firm cohorts, 42 events, 4
 * programmes of at most 3 phases and 3 instruments, 16 study parameters) and, where the model has a
 * hard bound, equal to it (RIC_MAX_PROGRAMMES: one participation bit each; RIC_MAX_SECTORS: a
 * firm's sector is one byte). */
#include "input/limits.h"

#include <string.h>

#include "ricsim/design.h"
#include "ricsim/scenario.h"
#include "ricsim/stats.h"

const ric_limit ric_limit_table[] = {
    {"regions", RIC_MAX_REGIONS, "regions"},
    {"organisations", 4096, "organisation cohorts"},
    {"firms", 4096, "firm cohorts"},
    {"events", 4096, "events"},
    {"sectors", RIC_MAX_SECTORS, "sectors"},
    {"regions.*.sector_shares", RIC_MAX_SECTORS, "sectors"},
    {"regions.*.groups", RIC_REGION_GROUPS, "groups"},
    {"events.*.add", RIC_REGION_GROUPS, "groups"},
    {"events.*.remove", RIC_REGION_GROUPS, "groups"},
    {"programmes", RIC_MAX_PROGRAMMES, "programmes"},
    {"programmes.*.phases", 256, "phases"},
    {"programmes.*.instruments", 64, "instruments"},
    {"programmes.*.instruments.*.eligible.regions", RIC_MAX_REGIONS, "regions"},
    {"variant.set", 64, "overrides"},
    {"variant.remove", 64, "removals"},
    {"experiment.parameters", RIC_DESIGN_MAX_PARAMS, "parameters"},
    {"experiment.parameters.*.values", 100000, "values"},
    {"experiment.indicators", RIC_STATS_MAX_INDICATORS, "indicators"},
    {"calibration.parameters", 20, "parameters"},
    {"sensitivity.parameters", 20, "parameters"},
    {"sensitivity.indicators", 256, "indicators"},
    {"sensitivity.years", 256, "years"},
};
const size_t ric_limit_table_n = sizeof ric_limit_table / sizeof ric_limit_table[0];

static const ric_limit other = {"any other", RIC_LIMIT_MEMBERS, "members"};

/* Whether PATH matches PATTERN component by component ('*' matches any one). */
static int matches(const char *pattern, const char *path)
{
    while (*pattern && *path) {
        size_t np = strcspn(pattern, "."), nq = strcspn(path, ".");
        if (!(np == 1 && pattern[0] == '*') && (np != nq || strncmp(pattern, path, np) != 0))
            return 0;
        pattern += np;
        path += nq;
        if (*pattern != *path)
            return 0;
        if (*pattern)
            pattern++, path++;
    }
    return !*pattern && !*path;
}

const ric_limit *ric_limit_of(const char *path)
{
    for (size_t i = 0; i < ric_limit_table_n; i++)
        if (matches(ric_limit_table[i].path, path))
            return &ric_limit_table[i];
    return &other;
}
