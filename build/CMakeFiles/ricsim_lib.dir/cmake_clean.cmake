file(REMOVE_RECURSE
  "CMakeFiles/ricsim_lib.dir/sim/events.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/events.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/output.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/output.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/programme.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/programme.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/rng.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/rng.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/rules.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/rules.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/scenario.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/scenario.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/sim.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/sim.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/status.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/status.c.o.d"
  "CMakeFiles/ricsim_lib.dir/sim/world.c.o"
  "CMakeFiles/ricsim_lib.dir/sim/world.c.o.d"
  "libricsim.a"
  "libricsim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/ricsim_lib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
