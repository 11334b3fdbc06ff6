"""CDISC Analysis Results Standard (ARS v1.0): run a ReportingEvent on ADaM data with tlf's statistics.

model.py reads and validates a reporting event, where.py turns where clauses into row masks, ops.py maps
the methods' operations to tlf's statistics, run.py computes every analysis, write.py writes the results.
The package is part of the orchestrator stage: it may use every stage of tlf, and only the CLI imports it.
"""
