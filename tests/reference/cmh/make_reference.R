# Reference values for tests/unit/test_stats_cmh.py: reads tables.csv (make_data.py), writes results.csv
# (set, stat, value). Run from this folder: Rscript make_reference.R [out.csv]
#   general      stats::mantelhaen.test (general association; 2 x 2 x K with correct = FALSE, the statistic
#                SAS prints) and, for 2 x 2 x K, its Mantel-Haenszel odds ratio and 95% CI (Robins,
#                Breslow and Greenland variance)
#   row_mean, correlation (table scores): coin::cmh_test with an ordered response and coin::lbl_test,
#                both with the table scores (coin's conditional variance is the hypergeometric one of SAS)
#   *_modridit:  written out here from the SAS formulas with stratum-wise modified ridit scores
#   bd, tarone:  Breslow-Day (with Tarone's correction) written out here, the expected count found by uniroot
suppressPackageStartupMessages(library(coin))
args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args)) args[1] else "results.csv"
d <- read.csv("tables.csv")
res <- data.frame(set = character(), stat = character(), value = numeric())
put <- function(set, stat, value) res[nrow(res) + 1, ] <<- list(set, stat, value)

modridit <- function(tot) (cumsum(tot) - tot + (tot + 1) / 2) / (sum(tot) + 1)

hand_cmh <- function(x) {  # row mean scores and correlation, modridit scores, SAS's formulas
  r <- dim(x)[1]; g_row <- rep(0, r - 1); v_row <- matrix(0, r - 1, r - 1); g_cor <- 0; v_cor <- 0
  for (h in seq_len(dim(x)[3])) {
    t <- x[, , h]; n <- sum(t)
    rt <- rowSums(t); ct <- colSums(t); e <- outer(rt, ct) / n
    a <- modridit(ct); b <- modridit(rt)
    pr <- rt / n; pc <- ct / n
    va <- sum(pc * a^2) - sum(pc * a)^2          # a' (D_pc - pc pc') a
    vb <- sum(pr * b^2) - sum(pr * b)^2
    ar <- diag(pr, length(pr)) - pr %o% pr
    g_row <- g_row + ((t - e) %*% a)[-r]
    v_row <- v_row + n^2 / (n - 1) * va * ar[-r, -r, drop = FALSE]
    g_cor <- g_cor + sum(b * ((t - e) %*% a))
    v_cor <- v_cor + n^2 / (n - 1) * va * vb
  }
  c(row_mean = drop(t(g_row) %*% solve(v_row, g_row)), correlation = g_cor^2 / v_cor)
}

breslow_day <- function(x, or) {
  keep <- apply(x, 3, function(t) all(rowSums(t) > 0) && all(colSums(t) > 0))
  x <- x[, , keep, drop = FALSE]
  bd <- 0; dsum <- 0; vsum <- 0
  for (h in seq_len(dim(x)[3])) {
    t <- x[, , h]; n1 <- sum(t[1, ]); n2 <- sum(t[2, ]); m1 <- sum(t[, 1])
    f <- function(A) A * (n2 - m1 + A) - or * (n1 - A) * (m1 - A)
    A <- uniroot(f, c(max(0, m1 - n2), min(n1, m1)), tol = 1e-13)$root
    v <- 1 / (1 / A + 1 / (n1 - A) + 1 / (m1 - A) + 1 / (n2 - m1 + A))
    bd <- bd + (t[1, 1] - A)^2 / v; dsum <- dsum + t[1, 1] - A; vsum <- vsum + v
  }
  c(bd = bd, tarone = bd - dsum^2 / vsum, df = dim(x)[3] - 1)
}

for (s in unique(d$set)) {
  ds <- d[d$set == s, ]
  x <- xtabs(count ~ row + col + stratum, ds)
  x <- x[, , apply(x, 3, sum) >= 2, drop = FALSE]              # SAS: strata of fewer than 2 subjects add nothing
  rsc <- tapply(ds$row_score, ds$row, `[`, 1); csc <- tapply(ds$col_score, ds$col, `[`, 1)
  mh <- mantelhaen.test(x, correct = FALSE)
  put(s, "general", unname(mh$statistic)); put(s, "general_df", unname(mh$parameter)); put(s, "general_p", mh$p.value)
  long <- ds[rep(seq_len(nrow(ds)), ds$count), ]
  long <- long[long$stratum %in% as.integer(dimnames(x)$stratum), ]
  long$x <- factor(long$row); long$s <- factor(long$stratum)
  long$y <- factor(long$col, ordered = TRUE); long$xo <- factor(long$row, ordered = TRUE)
  rm <- cmh_test(y ~ x | s, data = long, scores = list(y = unname(csc[levels(long$y)])))
  rms <- unname(statistic(rm)); if (dim(x)[1] == 2) rms <- rms^2  # 2 groups: coin gives the z
  put(s, "row_mean", rms); put(s, "row_mean_p", unname(pvalue(rm)))
  cr <- lbl_test(y ~ xo | s, data = long, scores = list(y = unname(csc[levels(long$y)]),
                                                        xo = unname(rsc[levels(long$xo)])))
  put(s, "correlation", unname(statistic(cr))^2); put(s, "correlation_p", unname(pvalue(cr)))
  hm <- hand_cmh(x)
  put(s, "row_mean_modridit", hm[["row_mean"]]); put(s, "correlation_modridit", hm[["correlation"]])
  if (all(dim(x)[1:2] == 2)) {
    put(s, "or", unname(mh$estimate)); put(s, "or_low", mh$conf.int[1]); put(s, "or_high", mh$conf.int[2])
    b <- breslow_day(x, unname(mh$estimate))
    put(s, "bd", b[["bd"]]); put(s, "tarone", b[["tarone"]]); put(s, "bd_df", b[["df"]])
  }
}
write.csv(res, out_file, row.names = FALSE)
