/* ricsim: agent-based simulator of regional innovation clusters. The environment is read here
 * and nowhere in the library: RICSIM_NO_SIMD (set and not empty) switches every vector kernel
 * off, so the plain reference code runs (same bytes, slower). */
#include <stdlib.h>

#include "cli.h"
#include "ricsim/sim.h"

int main(int argc, char **argv)
{
    const char *no_simd = getenv("RICSIM_NO_SIMD");
    if (no_simd && *no_simd)
        ric_kernels_select(0);
    return ric_cli_main(argc, argv);
}
