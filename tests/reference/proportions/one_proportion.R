# Reference CIs for one binomial proportion, for tests/unit/test_stats_proportions.py:
#   clopper-pearson = binom.test(x, n, conf.level)$conf.int
#   wilson          = prop.test(x, n, conf.level, correct = FALSE)$conf.int
# Usage: Rscript one_proportion.R [out.csv]   (default: one_proportion.csv next to this script)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "one_proportion.csv"
cases <- data.frame(
  x = c(0, 1, 15, 5, 23, 37, 86, 0, 12, 40, 3, 81),
  n = c(20, 29, 148, 5, 60, 86, 86, 1, 13, 100, 7, 84),
  conf = c(0.95, 0.95, 0.95, 0.95, 0.90, 0.95, 0.95, 0.95, 0.99, 0.95, 0.80, 0.95)
)
rows <- list()
for (i in seq_len(nrow(cases))) {
  x <- cases$x[i]; n <- cases$n[i]; cl <- cases$conf[i]
  cp <- suppressWarnings(binom.test(x, n, conf.level = cl)$conf.int)
  wi <- suppressWarnings(prop.test(x, n, conf.level = cl, correct = FALSE)$conf.int)
  rows[[length(rows) + 1]] <- data.frame(x = x, n = n, conf_level = cl, method = "clopper-pearson",
                                         lower = cp[1], upper = cp[2])
  rows[[length(rows) + 1]] <- data.frame(x = x, n = n, conf_level = cl, method = "wilson",
                                         lower = wi[1], upper = wi[2])
}
res <- do.call(rbind, rows)
write.csv(res, out, row.names = FALSE, quote = TRUE)
