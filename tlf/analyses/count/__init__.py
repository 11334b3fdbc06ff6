"""The `count` family: subjects meeting a condition, n (%) of the column's N, in one row."""
