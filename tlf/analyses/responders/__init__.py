"""The `responders` family: subjects meeting a criterion at each parameter and visit."""
