"""The `terms` family: subjects with at least one record per term (AE preferred term), optionally nested in a system organ class."""
