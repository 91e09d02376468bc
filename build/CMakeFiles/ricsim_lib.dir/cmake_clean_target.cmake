file(REMOVE_RECURSE
  "libricsim.a"
)
