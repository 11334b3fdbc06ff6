"""The `continuous` family: descriptive statistics of a variable, one value per subject."""
