# Reference values for tests/unit/test_stats_cox.py: survival::coxph (Wald CI and p of summary.coxph) and
# survival::survdiff with strata, on sim.csv (make_data.py) and on the CDISC pilot's ADTTE (time to first
# dermatologic event, PARAMCD TTDE, event when CNSR = 0, actual treatment TRTA vs Placebo; SITEGR1 and
# the covariates from ADSL). Run from this folder: Rscript make_reference.R [data dir] [out.csv]
suppressPackageStartupMessages({library(survival); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else "../../../../shared/data/cdiscpilot01"
out_file <- if (length(args) >= 2) args[2] else "results.csv"
res <- data.frame(data = character(), model = character(), term = character(), stat = character(),
                  value = numeric())
put <- function(d, m, term, stat, v) res[nrow(res) + 1, ] <<- list(d, m, term, stat, v)
fit <- function(d, name, f, data, ties) {
  s <- summary(coxph(f, data = data, ties = ties, control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)))
  for (term in rownames(s$coefficients)) {
    put(d, name, term, "coef", s$coefficients[term, "coef"]); put(d, name, term, "se", s$coefficients[term, "se(coef)"])
    put(d, name, term, "p", s$coefficients[term, "Pr(>|z|)"])
    put(d, name, term, "lower", s$conf.int[term, "lower .95"]); put(d, name, term, "upper", s$conf.int[term, "upper .95"])
  }
}
logrank <- function(d, name, f, data) {
  s <- survdiff(f, data = data)
  put(d, name, "", "chisq", s$chisq); put(d, name, "", "p", pchisq(s$chisq, length(s$n) - 1, lower.tail = FALSE))
}

sim <- read.csv("sim.csv")
sim$group <- relevel(factor(sim$group), "A")
for (ties in c("breslow", "efron")) {
  fit("sim", paste0(ties, ":group"), Surv(time, event) ~ group, sim, ties)
  fit("sim", paste0(ties, ":group+age+sex"), Surv(time, event) ~ group + age + sex, sim, ties)
  fit("sim", paste0(ties, ":group+age|stratum"), Surv(time, event) ~ group + age + strata(stratum), sim, ties)
}
logrank("sim", "logrank", Surv(time, event) ~ group, sim)
logrank("sim", "logrank|stratum", Surv(time, event) ~ group + strata(stratum), sim)

tte <- as.data.frame(read_xpt(file.path(data_dir, "adtte.xpt")))
adsl <- as.data.frame(read_xpt(file.path(data_dir, "adsl.xpt")))
tte <- tte[tte$PARAMCD == "TTDE", c("USUBJID", "TRTA", "AVAL", "CNSR", "AGE", "SEX")]
tte <- merge(tte, adsl[, c("USUBJID", "SITEGR1")], by = "USUBJID")
tte$TRTA <- relevel(factor(tte$TRTA), "Placebo")
tte$event <- 1 - tte$CNSR
for (ties in c("breslow", "efron")) {
  fit("pilot", paste0(ties, ":TRTA"), Surv(AVAL, event) ~ TRTA, tte, ties)
  fit("pilot", paste0(ties, ":TRTA+AGE|SITEGR1"), Surv(AVAL, event) ~ TRTA + AGE + strata(SITEGR1), tte, ties)
}
logrank("pilot", "logrank", Surv(AVAL, event) ~ TRTA, tte)
logrank("pilot", "logrank|SITEGR1", Surv(AVAL, event) ~ TRTA + strata(SITEGR1), tte)
write.csv(res, out_file, row.names = FALSE)
