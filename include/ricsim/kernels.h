/* The kernel switch: which vector kernels (AVX2 twins of the reference rules, bit for bit
 * identical to it) the simulations of this process use. Like SQLite's test-control hook, it is
 * an explicit input, not read from the environment (the command-line front end maps
 * RICSIM_NO_SIMD to ric_kernels_select(0)). */
#ifndef RICSIM_KERNELS_PUBLIC_H
#define RICSIM_KERNELS_PUBLIC_H

#include <stddef.h>

/* The selection is process-wide and read by ric_sim_alloc, so a simulation keeps the kernels it
 * started with. Bit k is kernel k, named by ric_kernel_name(k) (philox8, firm_pass, firm_draws,
 * firm_flags, hiring); kernels the CPU lacks or that a modeller switched off are never used.
 * ric_kernels_select returns the previous selection; 0 runs the plain reference everywhere. */
#define RIC_KERNELS_ALL 0xffffffffu
unsigned ric_kernels_select(unsigned mask);
unsigned ric_kernels_selected(void); /* the selection, less what is unavailable */
size_t ric_kernels_n(void);
const char *ric_kernel_name(size_t k); /* NULL past the last */

#endif
