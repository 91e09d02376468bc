CMakeFiles/ricsim.dir/sim/main.c.o: /work/main/sim/main.c \
 /usr/include/stdc-predef.h /work/main/sim/cli.h
