# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[rng]=] "/work/main/build/tests/test_rng" "--jobs" "1")
set_tests_properties([=[rng]=] PROPERTIES  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1" FAIL_REGULAR_EXPRESSION "ERROR: (Leak|Address)Sanitizer;runtime error:" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;11;add_test;/work/main/tests/CMakeLists.txt;21;ric_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[sim]=] "/work/main/build/tests/test_sim" "--jobs" "1")
set_tests_properties([=[sim]=] PROPERTIES  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1" FAIL_REGULAR_EXPRESSION "ERROR: (Leak|Address)Sanitizer;runtime error:" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;11;add_test;/work/main/tests/CMakeLists.txt;21;ric_test;/work/main/tests/CMakeLists.txt;0;")
