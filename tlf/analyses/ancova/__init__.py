"""The `ancova` family: LS means and differences from an analysis of covariance by parameter and visit."""
