"""The `by_visit` family: value, change and percent change from baseline by parameter and visit."""
