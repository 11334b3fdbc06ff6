# Reference values for tlf.stats.models (ANCOVA, LS means, Type III, dose response), from R.
#
#   Rscript tests/reference/ancova/make_reference.R [data.csv] [output folder]
#
# Defaults: data.csv and the output CSVs in this script's folder. Made with R 4.2.2, emmeans 1.8.4-1
# and car 3.1-1 (Debian packages r-base-core, r-cran-emmeans, r-cran-car). Models are fitted by lm()
# with sum-to-zero contrasts; LS means and their differences by emmeans (weights "equal",
# "proportional", and "om": SAS's observed margins given to emmeans as explicit weights); Type III
# F tests by car::Anova(type = 3). Numbers are written with 17 significant digits. Outputs:
#   lsmeans.csv  model, weights, arm, estimate, se, df, t, p, lower, upper (95% CI)
#   diffs.csv    model, weights, arm, reference, estimate, se, df, t, p, lower, upper (arm - reference)
#   type3.csv    model, effect, f, df_num, df_den, p
#   fit.csv      model, n, df_resid, rmse, slope, slope_se, slope_lower, slope_upper, slope_p
#                (slope: the coefficient of TRTPN in the dose-response model, else NA)

suppressPackageStartupMessages({
  library(emmeans)
  library(car)
})
options(contrasts = c("contr.sum", "contr.poly"))

args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
data_path <- if (length(args) >= 1) args[1] else file.path(here, "data.csv")
out_dir <- if (length(args) >= 2) args[2] else here

arms <- c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")
d <- read.csv(data_path, na.strings = c("", "NA"), colClasses = c(SITEGR1 = "character"))
d$TRT <- factor(d$TRTP, levels = arms)
d$SITEGR1 <- factor(d$SITEGR1)
d$SEX <- factor(d$SEX)

models <- list(
  trt_base      = CHG ~ TRT + BASE,
  trt_site_base = CHG ~ TRT + SITEGR1 + BASE,
  two_factors   = CHG ~ TRT + SITEGR1 + SEX + BASE + AGE,
  trt_by_site   = CHG ~ TRT + SITEGR1 + BASE + TRT:SITEGR1,
  trt_by_base   = CHG ~ TRT + BASE + TRT:BASE
)

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_num <- function(frame, name) {
  text <- which(!vapply(frame, is.numeric, logical(1)))
  for (col in names(frame)) if (is.numeric(frame[[col]])) frame[[col]] <- num(frame[[col]])
  write.csv(frame, file.path(out_dir, name), row.names = FALSE, quote = unname(text), na = "NA")
}

lsm <- list(); dif <- list(); t3 <- list(); fits <- list()
for (name in names(models)) {
  m <- lm(models[[name]], data = d)
  # SAS LSMEANS / OM weights, from the SAS/STAT documentation ("Changing the Weighting Scheme"): the
  # frequencies of the other factors' level combinations among all rows whose independent variables
  # are present, including rows with a missing response; passed to emmeans as explicit weights
  indep <- all.vars(models[[name]])[-1]
  others <- setdiff(indep[vapply(d[indep], is.factor, logical(1))], "TRT")
  ok <- complete.cases(d[indep])
  om <- if (length(others)) as.vector(table(d[ok, others, drop = FALSE])) else 1
  for (w in c("equal", "proportional", "om")) {
    emm <- suppressMessages(emmeans(m, "TRT", weights = if (w == "om") om else w))
    s <- summary(emm, infer = c(TRUE, TRUE), level = 0.95)
    lsm[[length(lsm) + 1]] <- data.frame(model = name, weights = w, arm = as.character(s$TRT),
      estimate = s$emmean, se = s$SE, df = s$df, t = s$t.ratio, p = s$p.value, lower = s$lower.CL,
      upper = s$upper.CL)
    # every ordered pair (later level minus earlier level), which includes each arm minus Placebo
    k <- length(arms)
    cons <- list()
    for (i in 1:(k - 1)) for (j in (i + 1):k) {
      v <- numeric(k); v[j] <- 1; v[i] <- -1
      cons[[paste(arms[j], arms[i], sep = " - ")]] <- v
    }
    cs <- summary(contrast(emm, method = cons, adjust = "none"), infer = c(TRUE, TRUE), level = 0.95,
                  adjust = "none")
    pair <- do.call(rbind, strsplit(as.character(cs$contrast), " - ", fixed = TRUE))
    dif[[length(dif) + 1]] <- data.frame(model = name, weights = w, arm = pair[, 1], reference = pair[, 2],
      estimate = cs$estimate, se = cs$SE, df = cs$df, t = cs$t.ratio, p = cs$p.value, lower = cs$lower.CL,
      upper = cs$upper.CL)
  }
  a <- Anova(m, type = 3)
  eff <- setdiff(rownames(a), c("(Intercept)", "Residuals"))
  t3[[length(t3) + 1]] <- data.frame(model = name, effect = eff, f = a[eff, "F value"], df_num = a[eff, "Df"],
    df_den = a["Residuals", "Df"], p = a[eff, "Pr(>F)"])
  fits[[length(fits) + 1]] <- data.frame(model = name, n = nobs(m), df_resid = df.residual(m),
    rmse = sigma(m), slope = NA_real_, slope_se = NA_real_, slope_lower = NA_real_, slope_upper = NA_real_,
    slope_p = NA_real_)
}

# dose response: treatment as a numeric dose (0/54/81), Type III test of TRTPN
m <- lm(CHG ~ TRTPN + SITEGR1 + BASE, data = d)
a <- Anova(m, type = 3)
eff <- setdiff(rownames(a), c("(Intercept)", "Residuals"))
t3[[length(t3) + 1]] <- data.frame(model = "dose", effect = eff, f = a[eff, "F value"], df_num = a[eff, "Df"],
  df_den = a["Residuals", "Df"], p = a[eff, "Pr(>F)"])
co <- summary(m)$coefficients
ci <- confint(m, "TRTPN", level = 0.95)
fits[[length(fits) + 1]] <- data.frame(model = "dose", n = nobs(m), df_resid = df.residual(m), rmse = sigma(m),
  slope = co["TRTPN", "Estimate"], slope_se = co["TRTPN", "Std. Error"], slope_lower = ci[1, 1],
  slope_upper = ci[1, 2], slope_p = co["TRTPN", "Pr(>|t|)"])

write_num(do.call(rbind, lsm), "lsmeans.csv")
write_num(do.call(rbind, dif), "diffs.csv")
write_num(do.call(rbind, t3), "type3.csv")
write_num(do.call(rbind, fits), "fit.csv")
