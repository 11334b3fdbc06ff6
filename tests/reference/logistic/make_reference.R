# Reference logistic regressions for tests/unit/test_stats_logistic.py, by R glm(family = binomial):
#   pilot:     CDISC pilot ADQSADAS, ACTOT at Week 24 (ANL01FL, EFFFL, ITTFL = "Y"), responder CHG <= 0
#              (a missing CHG is a non-responder), RESP ~ TRTP + AGE + SITEGR1, placebo the reference
#   simulated: simulated.csv (make_data.py), RESP ~ ARM + BASE + REGION, Placebo the reference
# Coefficients with standard errors, Wald z and p (summary.glm), and the Wald CI of each (confint.default).
# Usage: Rscript make_reference.R [path/to/cdiscpilot01] [out.csv]
args <- commandArgs(trailingOnly = TRUE)
pilot_dir <- if (length(args) >= 1) args[1] else "../../../../shared/data/cdiscpilot01"
out <- if (length(args) >= 2) args[2] else "glm.csv"
here <- if (length(args) >= 3) args[3] else "."

tab <- function(case, fit) {
  s <- summary(fit)$coefficients
  ci <- confint.default(fit, level = 0.95)
  data.frame(case = case, term = rownames(s), estimate = s[, 1], std_error = s[, 2], z = s[, 3],
             pvalue = s[, 4], lower = ci[, 1], upper = ci[, 2], n = nobs(fit), deviance = deviance(fit),
             row.names = NULL)
}

d <- foreign::read.xport(file.path(pilot_dir, "adqsadas.xpt"))
d <- d[d$PARAMCD == "ACTOT" & d$AVISIT == "Week 24" & d$ANL01FL == "Y" & d$EFFFL == "Y" & d$ITTFL == "Y", ]
d$RESP <- as.integer(!is.na(d$CHG) & d$CHG <= 0)
d$TRT <- factor(d$TRTP, levels = c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"))
d$SITEGR1 <- factor(d$SITEGR1)
fit1 <- glm(RESP ~ TRT + AGE + SITEGR1, family = binomial, data = d, control = glm.control(epsilon = 1e-15, maxit = 100))

s <- read.csv(file.path(here, "simulated.csv"))
s$ARM <- factor(s$ARM, levels = c("Placebo", "Low", "High"))
s$REGION <- factor(s$REGION, levels = c("EU", "US", "ROW"))
fit2 <- glm(RESP ~ ARM + BASE + REGION, family = binomial, data = s, control = glm.control(epsilon = 1e-15, maxit = 100))

write.csv(rbind(tab("pilot", fit1), tab("simulated", fit2)), out, row.names = FALSE)
