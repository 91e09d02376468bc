# Empty dependencies file for ricsim.
# This may be replaced when dependencies are built.
