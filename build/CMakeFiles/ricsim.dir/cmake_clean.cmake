file(REMOVE_RECURSE
  "CMakeFiles/ricsim.dir/sim/cli.c.o"
  "CMakeFiles/ricsim.dir/sim/cli.c.o.d"
  "CMakeFiles/ricsim.dir/sim/main.c.o"
  "CMakeFiles/ricsim.dir/sim/main.c.o.d"
  "ricsim"
  "ricsim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/ricsim.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
