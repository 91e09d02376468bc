# Empty dependencies file for ricsim_lib.
# This may be replaced when dependencies are built.
