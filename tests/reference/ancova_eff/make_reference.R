# Reference values for tlf's `ancova` analysis (tlf/stats/ancova.py via tlf/stats/models.py), from R.
#
#   Rscript tests/reference/ancova_eff/make_reference.R [input folder] [output folder]
#
# Defaults: this script's folder for both. Inputs are written by make_data.py. Models are fitted by
# lm() with sum-to-zero contrasts, one per parameter and visit; LS means and differences from the
# reference arm by emmeans (weights "equal" or "proportional"), two-sided 95% CIs, unadjusted
# p-values. Numbers are written with 17 significant digits. Made with R 4.2.2 and emmeans 1.8.4-1
# (Debian packages r-base-core, r-cran-emmeans). Outputs (one row per model and arm):
#   lsmeans.csv  data, model, weights, paramcd, avisit, arm, n, estimate, se, df, lower, upper
#   diffs.csv    data, model, weights, paramcd, avisit, arm, reference, estimate, se, df, lower, upper, p

suppressPackageStartupMessages(library(emmeans))
options(contrasts = c("contr.sum", "contr.poly"))

args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
in_dir <- if (length(args) >= 1) args[1] else here
out_dir <- if (length(args) >= 2) args[2] else here

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_num <- function(frame, name) {
  text <- which(!vapply(frame, is.numeric, logical(1)))
  for (col in names(frame)) if (is.numeric(frame[[col]])) frame[[col]] <- num(frame[[col]])
  write.csv(frame, file.path(out_dir, name), row.names = FALSE, quote = unname(text), na = "NA")
}

lsm <- list(); dif <- list()
fit_one <- function(d, formula, arms, data_name, model_name, weights, paramcd, avisit) {
  d$ARM <- factor(d$ARM, levels = arms)
  m <- lm(formula, data = d)
  used <- model.frame(m)
  emm <- suppressMessages(emmeans(m, "ARM", weights = weights))
  s <- summary(emm, infer = c(TRUE, TRUE), level = 0.95)
  n <- as.vector(table(factor(used$ARM, levels = arms)))
  lsm[[length(lsm) + 1]] <<- data.frame(data = data_name, model = model_name, weights = weights, paramcd = paramcd,
    avisit = avisit, arm = as.character(s$ARM), n = n, estimate = s$emmean, se = s$SE, df = s$df,
    lower = s$lower.CL, upper = s$upper.CL)
  cs <- summary(contrast(emm, method = "trt.vs.ctrl", ref = 1, adjust = "none"), infer = c(TRUE, TRUE),
                level = 0.95, adjust = "none")
  dif[[length(dif) + 1]] <<- data.frame(data = data_name, model = model_name, weights = weights,
    paramcd = paramcd, avisit = avisit, arm = arms[-1], reference = arms[1], estimate = cs$estimate, se = cs$SE,
    df = cs$df, lower = cs$lower.CL, upper = cs$upper.CL, p = cs$p.value)
}

# Study A PD markers: PCHG ~ ARM + BASE at each marker and visit (arms in table order, placebo first)
pd <- read.csv(file.path(in_dir, "study_a_pd.csv"), na.strings = c("", "NA"))
arms_a <- c("pbo", "qod03", "qd03", "alt0603", "qd06")
for (p in sort(unique(pd$PARAMCD))) for (v in c("Day 29", "Day 57", "Final Visit")) {
  fit_one(pd[pd$PARAMCD == p & pd$AVISIT == v, ], PCHG ~ ARM + BASE, arms_a, "study_a", "pchg_base", "equal", p, v)
}

# Unbalanced set: CHG ~ ARM + REGION + BASE + AGE (REGION and AGE from the subject-level data)
sl <- read.csv(file.path(in_dir, "unbalanced_adsl.csv"), na.strings = c("", "NA"))
bds <- read.csv(file.path(in_dir, "unbalanced_bds.csv"), na.strings = c("", "NA"))
u <- merge(bds, sl, by = "USUBJID")
u$ARM <- c("Placebo" = "pbo", "Drug High" = "high", "Drug Low" = "low")[u$TRT01A]
u$REGION <- factor(u$REGION)
for (w in c("equal", "proportional")) for (v in c("Week 4", "Week 8")) {
  fit_one(u[u$AVISIT == v, ], CHG ~ ARM + REGION + BASE + AGE, c("pbo", "high", "low"), "unbalanced",
          "region_base_age", w, "SCORE", v)
}

write_num(do.call(rbind, lsm), "lsmeans.csv")
write_num(do.call(rbind, dif), "diffs.csv")
