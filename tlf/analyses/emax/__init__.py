"""The `emax` family: an Emax (sigmoid) exposure-response model fitted to paired concentrations and responses."""
