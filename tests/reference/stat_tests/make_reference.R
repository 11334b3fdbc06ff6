# Reference values for tlf.stats.tests and tlf.stats.models.fit_power_model, from base R.
#
#   Rscript tests/reference/stat_tests/make_reference.R [input folder] [output folder]
#
# Defaults: samples.csv and tables.csv (written by make_data.py) and results.csv in this script's
# folder. Made with R 4.2.2. results.csv has one row per (case, test, stat) with the value written
# with 17 significant digits:
#   anova           oneway.test(var.equal = TRUE): f, df_num, df_den, p
#   chisq           chisq.test(correct = FALSE): chisq, df, p
#   fisher          fisher.test (2 x 2 and r x c, network algorithm): p
#   signed_rank     wilcox.test(exact = TRUE) on a sample without ties or zeros: v (sum of positive ranks), p
#   rank_sum        wilcox.test(exact = TRUE) without ties; wilcox.test(exact = FALSE, correct = TRUE) with
#                   ties: w (R's W = Mann-Whitney U), p
#   pearson         cor.test: r, p, ci_low, ci_high (95%, Fisher z)
#   spearman        cor.test(method = "spearman", exact = FALSE): r, p (t approximation)
#   power           lm(log(AUC) ~ log(dose)): slope, slope_se, ci_low, ci_high (90%), intercept

args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
in_dir <- if (length(args) >= 1) args[1] else here
out_dir <- if (length(args) >= 2) args[2] else here

s <- read.csv(file.path(in_dir, "samples.csv"))
tb <- read.csv(file.path(in_dir, "tables.csv"))
out <- list()
put <- function(case, test, values) {
  for (k in names(values)) out[[length(out) + 1]] <<- data.frame(case = case, test = test, stat = k,
                                                                  value = sprintf("%.17g", values[[k]]))
}
x_of <- function(case, group = NULL) {
  d <- s[s$case == case, ]
  if (!is.null(group)) d <- d[d$group == group, ]
  d$x
}

a <- s[s$case == "anova", ]
r <- oneway.test(x ~ group, data = a, var.equal = TRUE)
put("anova", "anova", list(f = r$statistic, df_num = r$parameter[1], df_den = r$parameter[2], p = r$p.value))

for (case in unique(tb$case)) {
  d <- tb[tb$case == case, ]
  m <- matrix(0, max(d$row), max(d$col))
  m[cbind(d$row, d$col)] <- d$count
  f <- fisher.test(m, workspace = 2e7)
  put(case, "fisher", list(p = f$p.value))
  keep <- m[rowSums(m) > 0, colSums(m) > 0, drop = FALSE]
  if (nrow(keep) > 1 && ncol(keep) > 1) {
    cs <- suppressWarnings(chisq.test(keep, correct = FALSE))
    put(case, "chisq", list(chisq = cs$statistic, df = cs$parameter, p = cs$p.value))
  }
}

r <- wilcox.test(x_of("signed_exact"), exact = TRUE)
put("signed_exact", "signed_rank", list(v = r$statistic, p = r$p.value))

r <- wilcox.test(x_of("ranksum_exact", "a"), x_of("ranksum_exact", "b"), exact = TRUE)
put("ranksum_exact", "rank_sum", list(w = r$statistic, p = r$p.value))
r <- wilcox.test(x_of("ranksum_ties", "a"), x_of("ranksum_ties", "b"), exact = FALSE, correct = TRUE)
put("ranksum_ties", "rank_sum", list(w = r$statistic, p = r$p.value))

cx <- s[s$case == "corr", ]
r <- cor.test(cx$x, cx$y)
put("corr", "pearson", list(r = r$estimate, p = r$p.value, ci_low = r$conf.int[1], ci_high = r$conf.int[2],
                            n = sum(complete.cases(cx$x, cx$y))))
r <- cor.test(cx$x, cx$y, method = "spearman", exact = FALSE)
put("corr", "spearman", list(r = r$estimate, p = r$p.value))

pk <- s[s$case == "power", ]
m <- lm(log(y) ~ log(x), data = pk)
co <- summary(m)$coefficients
ci <- confint(m, level = 0.90)
put("power", "power", list(slope = co[2, 1], slope_se = co[2, 2], ci_low = ci[2, 1], ci_high = ci[2, 2],
                           intercept = co[1, 1], df = df.residual(m)))

write.csv(do.call(rbind, out), file.path(out_dir, "results.csv"), row.names = FALSE, quote = FALSE)
