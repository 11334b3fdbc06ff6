# R survfit's Kaplan-Meier quantiles and their confidence intervals, for tlf.stats.survival's tests
# (tests/unit/test_stats_survival.py).
#
#   Rscript tests/reference/survival/km_quantiles.R [ARMS.csv [OUT.csv]]
#
# ARMS.csv has columns arm, time, event (default: km_arms.csv next to this program, written by
# make_km_arms.py); OUT.csv (default: km_quantiles.csv next to it) gets one row per arm, conf.type
# ("log-log", "log", "plain") and prob (0.25, 0.5, 0.75 of F = 1 - S), with
#
#   quantile, lower, upper              R's own answer: quantile(survfit(..., conf.type), probs)
#   sas_quantile, sas_lower, sas_upper  SAS PROC LIFETEST's documented rule, written out below in R
#                                       from the same survfit curve (surv, std.err)
#
# "NA" where there is no value; numbers with 17 significant digits. The two answers agree except
# where SAS's rule and R's quantile() differ (the test names those cases). The saved km_quantiles.csv
# was made with R 4.2.2 and survival 3.5-3; the test runs this program again when Rscript and
# survival are there.
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
arms_csv <- if (length(args) >= 1) args[1] else file.path(here, "km_arms.csv")
out_csv <- if (length(args) >= 2) args[2] else file.path(here, "km_quantiles.csv")
tol <- sqrt(.Machine$double.eps)  # as quantile.survfit: S(t) within tol of 1 - p is "exactly" on it

# SAS LIFETEST (Kaplan-Meier): the 100p-th percentile is min{t_j : S(t_j) < 1 - p} over the event
# times t_j; if S(t) = 1 - p from t_j to t_j+1 it is (t_j + t_j+1) / 2 (no t_j+1: none). Its CI
# (Brookmeyer-Crowley) is the set of t with |g(S(t)) - g(1 - p)| <= z g'(S(t)) se(S(t)), reported as
# [first t_j in the set, the event time after the last t_j in the set): none when the set is empty,
# no upper limit when the set reaches the last event time or the next event time has S(t) = 0 (g and
# se undefined there; R prints NA in that case too).
sas_rule <- function(fit, prob, conf_type) {
  ev <- fit$n.event > 0
  t <- fit$time[ev]
  s <- fit$surv[ev]
  root <- fit$std.err[ev]  # survfit's std.err: sqrt(sum d / (n (n - d))), Greenwood on the log scale
  target <- 1 - prob
  est <- NA
  j <- which(s < target + tol)[1]
  if (!is.na(j)) {
    if (abs(s[j] - target) < tol) {
      est <- if (j < length(t)) (t[j] + t[j + 1]) / 2 else NA
    } else {
      est <- t[j]
    }
  }
  z <- qnorm(1 - (1 - fit$conf.int) / 2)
  stat <- rep(NA_real_, length(s))
  ok <- s > 0 & is.finite(root)
  stat[ok] <- switch(conf_type,
    "log-log" = abs(log(-log(s[ok])) - log(-log(target))) * abs(log(s[ok])) / root[ok],
    "log" = abs(log(s[ok]) - log(target)) / root[ok],
    "plain" = abs(s[ok] - target) / (s[ok] * root[ok]))
  inside <- which(!is.na(stat) & stat <= z)
  lower <- upper <- NA
  if (length(inside)) {
    lower <- t[inside[1]]
    last <- inside[length(inside)]
    if (last < length(t) && s[last + 1] > 0) upper <- t[last + 1]
  }
  c(est, lower, upper)
}

d <- read.csv(arms_csv, colClasses = c(arm = "character"))
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
probs <- c(0.25, 0.5, 0.75)
out <- list()
for (a in unique(d$arm)) {
  x <- d[d$arm == a, ]
  for (ct in c("log-log", "log", "plain")) {
    fit <- survfit(Surv(time, event) ~ 1, data = x, conf.type = ct)
    q <- quantile(fit, probs = probs)
    sas <- if (sum(x$event) > 0) sapply(probs, function(p) sas_rule(fit, p, ct)) else matrix(NA, 3, 3)
    out[[length(out) + 1]] <- data.frame(arm = a, conf_type = ct, prob = c("0.25", "0.5", "0.75"),
                                         quantile = fmt(q$quantile), lower = fmt(q$lower), upper = fmt(q$upper),
                                         sas_quantile = fmt(sas[1, ]), sas_lower = fmt(sas[2, ]),
                                         sas_upper = fmt(sas[3, ]))
  }
}
write.csv(do.call(rbind, out), out_csv, row.names = FALSE, quote = FALSE)
