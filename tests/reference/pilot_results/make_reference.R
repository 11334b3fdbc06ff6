# Independent reference values for the CDISC pilot outputs, computed in R from the pilot's ADaM data
# (../shared/data/cdiscpilot01, not in this repository).
#
#   Rscript tests/reference/pilot_results/make_reference.R [data folder] [output folder]
#
# Made with R 4.x, survival 3.5, emmeans. Writes reference.csv: one row per (output, what, arm, stat)
# with the value written with 17 significant digits.
#   km        survfit(Surv(AVAL, CNSR == 0) ~ TRTA, conf.type = "log-log") on ADTTE PARAMCD TTDE (SAFFL):
#             n, events, median, median CI (lower, upper), 25th and 75th percentiles
#   logrank   survdiff: chisq, p
#   adas      lm(CHG ~ TRTP + SITEGR1 + BASE) on ADQSADAS ACTOT, Week 24, EFFFL/ITTFL/ANL01FL = "Y":
#             emmeans(weights = "proportional") LS means and pairwise differences (SE, t CI, p);
#             dose response: Type III (car::Anova type 3) p of TRTPN in lm(CHG ~ TRTPN + SITEGR1 + BASE)
#   gluc      lm(CHG ~ BASE + TRTP) on ADLBC GLUC, AVISITN 20, ITT, Placebo and high dose: LS means,
#             difference (SE, p), sqrt(mean(residuals^2)) and sigma
suppressMessages({library(haven); library(survival); library(emmeans); library(car)})

args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
data_dir <- if (length(args) >= 1) args[1] else file.path(here, "..", "..", "..", "..", "shared", "data", "cdiscpilot01")
out_dir <- if (length(args) >= 2) args[2] else here
out <- list()
put <- function(output, what, arm, values) {
  for (k in names(values)) out[[length(out) + 1]] <<- data.frame(output = output, what = what, arm = arm, stat = k,
                                                                  value = sprintf("%.17g", values[[k]]))
}

adsl <- read_xpt(file.path(data_dir, "adsl.xpt"))
adtte <- read_xpt(file.path(data_dir, "adtte.xpt"))
tte <- merge(adtte[adtte$PARAMCD == "TTDE", c("USUBJID", "AVAL", "CNSR")],
             adsl[adsl$SAFFL == "Y", c("USUBJID", "TRT01A")], by = "USUBJID")
fit <- survfit(Surv(AVAL, CNSR == 0) ~ TRT01A, data = tte, conf.type = "log-log")
q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
for (i in seq_along(fit$strata)) {
  arm <- sub("TRT01A=", "", names(fit$strata)[i])
  put("t-14-1-km", "km", arm, list(n = fit$n[i], events = sum(tte$CNSR[tte$TRT01A == arm] == 0),
                                   q1 = q$quantile[i, 1], median = q$quantile[i, 2], q3 = q$quantile[i, 3],
                                   median_ci_low = q$lower[i, 2], median_ci_high = q$upper[i, 2]))
}
sd <- survdiff(Surv(AVAL, CNSR == 0) ~ TRT01A, data = tte)
put("t-14-1-km", "logrank", "", list(chisq = sd$chisq, p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE)))

adas <- read_xpt(file.path(data_dir, "adqsadas.xpt"))
a <- adas[adas$PARAMCD == "ACTOT" & adas$AVISIT == "Week 24" & adas$EFFFL == "Y" & adas$ITTFL == "Y" &
          adas$ANL01FL == "Y", ]
a$TRTP <- factor(a$TRTP, levels = c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"))
a$SITEGR1 <- factor(a$SITEGR1)
m <- lm(CHG ~ TRTP + SITEGR1 + BASE, data = a)
em <- emmeans(m, "TRTP", weights = "proportional")
s <- summary(em)
for (i in seq_len(nrow(s))) put("t-14-3-01", "lsmean", as.character(s$TRTP[i]), list(lsmean = s$emmean[i], se = s$SE[i]))
pr <- summary(contrast(em, method = list("low-pbo" = c(-1, 1, 0), "high-pbo" = c(-1, 0, 1), "high-low" = c(0, -1, 1))),
              infer = c(TRUE, TRUE), adjust = "none")
for (i in seq_len(nrow(pr))) put("t-14-3-01", "diff", as.character(pr$contrast[i]),
                                 list(diff = pr$estimate[i], se = pr$SE[i], ci_low = pr$lower.CL[i],
                                      ci_high = pr$upper.CL[i], p = pr$p.value[i]))
options(contrasts = c("contr.sum", "contr.poly"))
md <- lm(CHG ~ TRTPN + SITEGR1 + BASE, data = a)
t3 <- Anova(md, type = 3)
put("t-14-3-01", "dose", "", list(p = t3["TRTPN", "Pr(>F)"], f = t3["TRTPN", "F value"]))
options(contrasts = c("contr.treatment", "contr.poly"))

lb <- read_xpt(file.path(data_dir, "adlbc.xpt"))
itt <- adsl$USUBJID[adsl$ITTFL == "Y"]
g <- lb[lb$USUBJID %in% itt & lb$PARAMCD == "GLUC" & lb$TRTPN %in% c(0, 81) & !is.na(lb$AVISITN) & lb$AVISITN == 20, ]
g$TRTP <- factor(g$TRTP, levels = c("Placebo", "Xanomeline High Dose"))
mg <- lm(CHG ~ BASE + TRTP, data = g)
eg <- emmeans(mg, "TRTP")
sg <- summary(eg)
for (i in seq_len(nrow(sg))) put("t-14-3-02", "lsmean", as.character(sg$TRTP[i]),
                                 list(lsmean = sg$emmean[i], se = sg$SE[i], n = sum(!is.na(g$CHG[g$TRTP == sg$TRTP[i]]))))
dg <- summary(contrast(eg, method = list("high-pbo" = c(-1, 1))), infer = c(TRUE, TRUE))
put("t-14-3-02", "diff", "high-pbo", list(diff = dg$estimate, se = dg$SE, p = dg$p.value,
                                            ci_low_normal = dg$estimate - qnorm(0.975) * dg$SE,
                                            ci_high_normal = dg$estimate + qnorm(0.975) * dg$SE))
put("t-14-3-02", "rmse", "", list(rmse_ml = sqrt(mean(residuals(mg)^2)), rmse = sigma(mg)))

write.csv(do.call(rbind, out), file.path(out_dir, "reference.csv"), row.names = FALSE, quote = TRUE)
