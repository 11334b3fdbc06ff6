"""One home per analysis family (tlf/analyses/<family>/: spec, run, shell, layout), the registry that
maps a spec's `type:` to its family, and the plumbing every runner shares (the analysis context, the
treatment columns, stat-column p-values, parameter/visit selection)."""
