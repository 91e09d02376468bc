/* The kernel table and the process-wide selection (the front end narrows it, for example from
 * RICSIM_NO_SIMD; tests set it directly, like SQLite's test-control hook). */
#include "kernels/kernels.h"

#include <stdatomic.h>

#include "ricsim/kernels.h"

const ric_kernel_info ric_kernel_table[RIC_KERNEL_N] = {
#define RIC_K(id, name, use, avx2, doc) {name, use, avx2, doc},
    RIC_KERNEL_LIST(RIC_K)
#undef RIC_K
};

static int have_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

unsigned ric_kernels_available(void)
{
    const int avx2 = have_avx2();
    unsigned m = 0;
    for (int k = 0; k < RIC_KERNEL_N; k++)
        if (ric_kernel_table[k].in_use && (avx2 || !ric_kernel_table[k].needs_avx2))
            m |= 1u << k;
    return m;
}

static _Atomic unsigned selected = RIC_KERNELS_ALL;

unsigned ric_kernels_select(unsigned mask)
{
    return atomic_exchange(&selected, mask);
}

unsigned ric_kernels_selected(void)
{
    return atomic_load(&selected) & ric_kernels_available();
}

size_t ric_kernels_n(void)
{
    return RIC_KERNEL_N;
}

const char *ric_kernel_name(size_t k)
{
    return k < RIC_KERNEL_N ? ric_kernel_table[k].name : NULL;
}
