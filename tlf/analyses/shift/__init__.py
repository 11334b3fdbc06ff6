"""The `shift` family: baseline category by post-baseline category, per treatment column."""
