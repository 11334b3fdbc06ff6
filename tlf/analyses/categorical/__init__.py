"""The `categorical` family: subjects by the levels of a variable, n (%) per level."""
