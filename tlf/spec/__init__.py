"""Specs: YAML loading with locations (load), the base every model builds on (base), the study and
output models (model; analysis models live in their families' homes, tlf/analyses/), checks (validate)."""
