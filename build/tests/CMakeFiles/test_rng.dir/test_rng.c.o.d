tests/CMakeFiles/test_rng.dir/test_rng.c.o: /work/main/tests/test_rng.c \
 /usr/include/stdc-predef.h /usr/include/criterion/criterion.h \
 /usr/include/criterion/types.h /usr/include/criterion/alloc.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /usr/include/criterion/internal/common.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/include/criterion/assert.h /usr/include/criterion/internal/assert.h \
 /usr/include/criterion/internal/common.h \
 /usr/include/criterion/internal/preprocess.h \
 /usr/include/criterion/internal/asprintf-compat.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h \
 /usr/include/criterion/internal/designated-initializer-compat.h \
 /usr/include/string.h \
 /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \
 /usr/include/features.h /usr/include/features-time64.h \
 /usr/include/x86_64-linux-gnu/bits/wordsize.h \
 /usr/include/x86_64-linux-gnu/bits/timesize.h \
 /usr/include/x86_64-linux-gnu/sys/cdefs.h \
 /usr/include/x86_64-linux-gnu/bits/long-double.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs-64.h \
 /usr/include/x86_64-linux-gnu/bits/types/locale_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__locale_t.h \
 /usr/include/stdlib.h /usr/include/x86_64-linux-gnu/bits/waitflags.h \
 /usr/include/x86_64-linux-gnu/bits/waitstatus.h \
 /usr/include/x86_64-linux-gnu/bits/floatn.h \
 /usr/include/x86_64-linux-gnu/bits/floatn-common.h \
 /usr/include/x86_64-linux-gnu/bits/stdlib-bsearch.h \
 /usr/include/x86_64-linux-gnu/bits/stdlib-float.h /usr/include/wchar.h \
 /usr/include/x86_64-linux-gnu/bits/wchar.h \
 /usr/include/x86_64-linux-gnu/bits/types/wint_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/mbstate_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__mbstate_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__FILE.h \
 /usr/include/x86_64-linux-gnu/bits/types/FILE.h \
 /usr/include/criterion/types.h /usr/include/criterion/stats.h \
 /usr/include/criterion/internal/deprecation.h \
 /usr/include/criterion/hooks.h /usr/include/criterion/internal/hooks.h \
 /usr/include/criterion/event.h /usr/include/criterion/stats.h \
 /usr/include/criterion/abort.h /usr/include/criterion/options.h \
 /usr/include/criterion/logging.h \
 /usr/include/criterion/internal/ordered-set.h \
 /usr/include/criterion/internal/test.h \
 /usr/include/criterion/internal/assert.h /usr/include/gsl/gsl_errno.h \
 /usr/include/stdio.h /usr/include/x86_64-linux-gnu/bits/types.h \
 /usr/include/x86_64-linux-gnu/bits/typesizes.h \
 /usr/include/x86_64-linux-gnu/bits/time64.h \
 /usr/include/x86_64-linux-gnu/bits/types/__fpos_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__fpos64_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_FILE.h \
 /usr/include/x86_64-linux-gnu/bits/stdio_lim.h \
 /usr/include/x86_64-linux-gnu/bits/stdio.h /usr/include/errno.h \
 /usr/include/x86_64-linux-gnu/bits/errno.h /usr/include/linux/errno.h \
 /usr/include/x86_64-linux-gnu/asm/errno.h \
 /usr/include/asm-generic/errno.h /usr/include/asm-generic/errno-base.h \
 /usr/include/gsl/gsl_types.h /usr/include/gsl/gsl_randist.h \
 /usr/include/gsl/gsl_rng.h /usr/include/gsl/gsl_inline.h \
 /usr/include/gsl/gsl_vector.h \
 /usr/include/gsl/gsl_vector_complex_long_double.h \
 /usr/include/gsl/gsl_complex.h /usr/include/gsl/gsl_check_range.h \
 /usr/include/gsl/gsl_vector_long_double.h \
 /usr/include/gsl/gsl_block_long_double.h \
 /usr/include/gsl/gsl_vector_complex.h \
 /usr/include/gsl/gsl_block_complex_long_double.h \
 /usr/include/gsl/gsl_vector_complex_double.h \
 /usr/include/gsl/gsl_vector_double.h /usr/include/gsl/gsl_block_double.h \
 /usr/include/gsl/gsl_block_complex_double.h \
 /usr/include/gsl/gsl_vector_complex_float.h \
 /usr/include/gsl/gsl_vector_float.h /usr/include/gsl/gsl_block_float.h \
 /usr/include/gsl/gsl_block_complex_float.h \
 /usr/include/gsl/gsl_vector_ulong.h /usr/include/gsl/gsl_block_ulong.h \
 /usr/include/gsl/gsl_vector_long.h /usr/include/gsl/gsl_block_long.h \
 /usr/include/gsl/gsl_vector_uint.h /usr/include/gsl/gsl_block_uint.h \
 /usr/include/gsl/gsl_vector_int.h /usr/include/gsl/gsl_block_int.h \
 /usr/include/gsl/gsl_vector_ushort.h /usr/include/gsl/gsl_block_ushort.h \
 /usr/include/gsl/gsl_vector_short.h /usr/include/gsl/gsl_block_short.h \
 /usr/include/gsl/gsl_vector_uchar.h /usr/include/gsl/gsl_block_uchar.h \
 /usr/include/gsl/gsl_vector_char.h /usr/include/gsl/gsl_block_char.h \
 /usr/include/gsl/gsl_matrix.h \
 /usr/include/gsl/gsl_matrix_complex_long_double.h \
 /usr/include/gsl/gsl_blas_types.h /usr/include/gsl/gsl_cblas.h \
 /usr/include/gsl/gsl_matrix_complex_double.h \
 /usr/include/gsl/gsl_matrix_complex_float.h \
 /usr/include/gsl/gsl_matrix_long_double.h \
 /usr/include/gsl/gsl_matrix_double.h /usr/include/gsl/gsl_matrix_float.h \
 /usr/include/gsl/gsl_matrix_ulong.h /usr/include/gsl/gsl_matrix_long.h \
 /usr/include/gsl/gsl_matrix_uint.h /usr/include/gsl/gsl_matrix_int.h \
 /usr/include/gsl/gsl_matrix_ushort.h /usr/include/gsl/gsl_matrix_short.h \
 /usr/include/gsl/gsl_matrix_uchar.h /usr/include/gsl/gsl_matrix_char.h \
 /usr/include/math.h /usr/include/x86_64-linux-gnu/bits/math-vector.h \
 /usr/include/x86_64-linux-gnu/bits/libm-simd-decl-stubs.h \
 /usr/include/x86_64-linux-gnu/bits/flt-eval-method.h \
 /usr/include/x86_64-linux-gnu/bits/fp-logb.h \
 /usr/include/x86_64-linux-gnu/bits/fp-fast.h \
 /usr/include/x86_64-linux-gnu/bits/mathcalls-helper-functions.h \
 /usr/include/x86_64-linux-gnu/bits/mathcalls.h \
 /work/main/include/ricsim/rng.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdint.h /usr/include/stdint.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-intn.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-uintn.h \
 /work/main/include/ricsim/status.h
