# Reference values for tlf.stats.survival from R's survival package.
#
#   Rscript tests/reference/survival/make_reference.R
#
# Made with R 4.x and survival 3.5 from data.csv (make_data.py). Writes
#   curve.csv     summary(survfit(..., conf.type = "log-log"), censored = TRUE): per group and distinct
#                 time, n.risk, n.event, n.censor, surv, lower, upper
#   summary.csv   per group: n, events, quantile(probs = c(.25, .5, .75)) with the log-log CI of the
#                 median; plus the log-rank test (survdiff) over all groups and A vs B
suppressMessages(library(survival))
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
d <- read.csv(file.path(here, "data.csv"))
fit <- survfit(Surv(time, event) ~ group, data = d, conf.type = "log-log")
s <- summary(fit, censored = TRUE)
curve <- data.frame(group = sub("group=", "", as.character(s$strata)), time = s$time, n_risk = s$n.risk,
                    n_event = s$n.event, n_censor = s$n.censor, surv = sprintf("%.17g", s$surv),
                    lower = sprintf("%.17g", s$lower), upper = sprintf("%.17g", s$upper))
write.csv(curve, file.path(here, "curve.csv"), row.names = FALSE)
q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
out <- list()
for (i in seq_along(fit$strata)) {
  g <- sub("group=", "", names(fit$strata)[i])
  vals <- c(n = fit$n[i], events = sum(d$event[d$group == g]), q1 = q$quantile[i, 1], median = q$quantile[i, 2],
            q3 = q$quantile[i, 3], median_ci_low = q$lower[i, 2], median_ci_high = q$upper[i, 2])
  out[[i]] <- data.frame(what = g, stat = names(vals), value = sprintf("%.17g", vals))
}
lr <- survdiff(Surv(time, event) ~ group, data = d)
lr2 <- survdiff(Surv(time, event) ~ group, data = d[d$group %in% c("A", "B"), ])
out[[length(out) + 1]] <- data.frame(what = c("logrank", "logrank", "logrank_AB"), stat = c("chisq", "p", "p"),
  value = sprintf("%.17g", c(lr$chisq, pchisq(lr$chisq, 2, lower.tail = FALSE), pchisq(lr2$chisq, 1, lower.tail = FALSE))))
write.csv(do.call(rbind, out), file.path(here, "summary.csv"), row.names = FALSE)
