
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/sim/events.c" "CMakeFiles/ricsim_lib.dir/sim/events.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/events.c.o.d"
  "/work/main/sim/output.c" "CMakeFiles/ricsim_lib.dir/sim/output.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/output.c.o.d"
  "/work/main/sim/programme.c" "CMakeFiles/ricsim_lib.dir/sim/programme.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/programme.c.o.d"
  "/work/main/sim/rng.c" "CMakeFiles/ricsim_lib.dir/sim/rng.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/rng.c.o.d"
  "/work/main/sim/rules.c" "CMakeFiles/ricsim_lib.dir/sim/rules.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/rules.c.o.d"
  "/work/main/sim/scenario.c" "CMakeFiles/ricsim_lib.dir/sim/scenario.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/scenario.c.o.d"
  "/work/main/sim/sim.c" "CMakeFiles/ricsim_lib.dir/sim/sim.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/sim.c.o.d"
  "/work/main/sim/status.c" "CMakeFiles/ricsim_lib.dir/sim/status.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/status.c.o.d"
  "/work/main/sim/world.c" "CMakeFiles/ricsim_lib.dir/sim/world.c.o" "gcc" "CMakeFiles/ricsim_lib.dir/sim/world.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
