"""The `mmrm` family: LS means by visit and differences from a mixed model for repeated measures."""
