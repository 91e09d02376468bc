/* ricsim: agent-based simulator of regional innovation clusters. The environment is read here
 * and nowhere in the library: RICSIM_NO_SIMD (set and not empty) switches every vector kernel
 * off, so the plain reference code runs (same bytes, slower). SIGXFSZ is ignored, so a write past
 * a file-size limit fails with EFBIG and is handled as any write error (exit 1, no temporaries
 * left) instead of killing the process. */
#include <signal.h>
#include <stdlib.h>

#include "cli.h"
#include "ricsim/sim.h"

int main(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN);
    const char *no_simd = getenv("RICSIM_NO_SIMD");
    if (no_simd && *no_simd)
        ric_kernels_select(0);
    return ric_cli_main(argc, argv);
}
