"""The `correlation` family: Pearson and Spearman correlation of two per-subject quantities."""
