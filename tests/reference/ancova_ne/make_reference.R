# Reference values for ANCOVA with empty cells and interactions (tlf.stats.models.fit_ancova and the
# `ancova` analysis's `interactions`), from R lm + emmeans.
#
#   Rscript tests/reference/ancova_ne/make_reference.R [reference folder] [output folder]
#
# Defaults: tests/reference (this script's parent folder) and this script's folder. Inputs:
# ancova/data.csv (the engine's data) and ancova_eff/unbalanced_{adsl,bds}.csv (the spec-level data).
# Made with R 4.2.2, emmeans 1.8.4-1, estimability 1.4.1 (Debian r-cran-emmeans). Models are fitted by
# lm() with sum-to-zero contrasts; lm drops aliased coefficients of a design that is not of full rank.
# LS means and differences by emmeans, which reports a non-estimable one as NA ("nonEst"; estimability
# by estimability::is.estble, tolerance 1e-8). Tests of effects (method): "drop1", drop1(test = "F"),
# each effect's columns out of the model (SAS's R(effect | other effects)), for effects contained in no
# other effect; "wald", the Wald F test of an effect's coefficients under sum-to-zero coding (Type III)
# where every one of them is estimable (aliased coefficients taken as 0, their variances as 0). Numbers are written with 17 significant digits, NA where emmeans gives NA. Outputs:
#   lsmeans.csv  data, model, weights, avisit, arm, n, estimate, se, df, t, p, lower, upper
#   diffs.csv    data, model, weights, avisit, arm, reference, estimate, se, df, t, p, lower, upper
#   tests.csv    data, model, avisit, method, effect, f, df_num, df_den, p
#   fit.csv      data, model, avisit, n, rank, df_resid, rmse

suppressPackageStartupMessages(library(emmeans))
options(contrasts = c("contr.sum", "contr.poly"))

args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
ref_dir <- if (length(args) >= 1) args[1] else dirname(here)
out_dir <- if (length(args) >= 2) args[2] else here

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_num <- function(frame, name) {
  text <- which(!vapply(frame, is.numeric, logical(1)))
  for (col in names(frame)) if (is.numeric(frame[[col]])) frame[[col]] <- num(frame[[col]])
  write.csv(frame, file.path(out_dir, name), row.names = FALSE, quote = unname(text), na = "NA")
}

# emmeans names the columns lower.CL/upper.CL/t.ratio, or asymp.LCL/asymp.UCL/z.ratio when every row is
# nonEst (then they are all NA)
pick <- function(s, a, b) if (!is.null(s[[a]])) s[[a]] else s[[b]]

lsm <- list(); dif <- list(); tst <- list(); fits <- list()
one <- function(d, formula, arms, data_name, model_name, avisit, pairs = "all") {
  d$ARM <- factor(d$ARM, levels = arms)
  m <- lm(formula, data = d)
  used <- model.frame(m)
  n <- as.vector(table(factor(used$ARM, levels = arms)))
  for (w in c("equal", "proportional")) {
    emm <- suppressMessages(emmeans(m, "ARM", weights = w))
    s <- summary(emm, infer = c(TRUE, TRUE), level = 0.95)
    lsm[[length(lsm) + 1]] <<- data.frame(data = data_name, model = model_name, weights = w, avisit = avisit,
      arm = as.character(s$ARM), n = n, estimate = s$emmean, se = s$SE, df = s$df, t = pick(s, "t.ratio", "z.ratio"),
      p = s$p.value, lower = pick(s, "lower.CL", "asymp.LCL"), upper = pick(s, "upper.CL", "asymp.UCL"))
    k <- length(arms)
    cons <- list()
    for (i in 1:(k - 1)) for (j in (i + 1):k) {
      if (pairs == "ref" && i != 1) next
      v <- numeric(k); v[j] <- 1; v[i] <- -1
      cons[[paste(arms[j], arms[i], sep = " - ")]] <- v
    }
    cs <- summary(contrast(emm, method = cons, adjust = "none"), infer = c(TRUE, TRUE), level = 0.95,
                  adjust = "none")
    pair <- do.call(rbind, strsplit(as.character(cs$contrast), " - ", fixed = TRUE))
    dif[[length(dif) + 1]] <<- data.frame(data = data_name, model = model_name, weights = w, avisit = avisit,
      arm = pair[, 1], reference = pair[, 2], estimate = cs$estimate, se = cs$SE, df = cs$df,
      t = pick(cs, "t.ratio", "z.ratio"), p = cs$p.value, lower = pick(cs, "lower.CL", "asymp.LCL"),
      upper = pick(cs, "upper.CL", "asymp.UCL"))
  }
  d1 <- drop1(m, test = "F")
  eff <- setdiff(rownames(d1), "<none>")
  tst[[length(tst) + 1]] <<- data.frame(data = data_name, model = model_name, avisit = avisit, method = "drop1",
    effect = eff, f = d1[eff, "F value"], df_num = d1[eff, "Df"], df_den = df.residual(m), p = d1[eff, "Pr(>F)"])
  # Wald F test of each effect whose coefficients (sum-to-zero coding) are all estimable
  # (estimability::is.estble on the lm's null basis): the Type III test; aliased coefficients count 0
  b <- coef(m); b[is.na(b)] <- 0
  v <- vcov(m, complete = TRUE); v[is.na(v)] <- 0
  nb <- estimability::nonest.basis(m)
  labels <- attr(terms(m), "term.labels")
  for (k in seq_along(labels)) {
    cols <- which(m$assign == k)
    L <- diag(length(b))[cols, , drop = FALSE]
    if (!all(estimability::is.estble(L, nb))) next
    lb <- L %*% b
    f <- as.numeric(t(lb) %*% solve(L %*% v %*% t(L), lb)) / length(cols)
    tst[[length(tst) + 1]] <<- data.frame(data = data_name, model = model_name, avisit = avisit, method = "wald",
      effect = labels[k], f = f, df_num = length(cols), df_den = df.residual(m),
      p = pf(f, length(cols), df.residual(m), lower.tail = FALSE))
  }
  fits[[length(fits) + 1]] <<- data.frame(data = data_name, model = model_name, avisit = avisit, n = nobs(m),
    rank = m$rank, df_resid = df.residual(m), rmse = sigma(m))
}

# Engine: the CDISC-like data of tests/reference/ancova, with cells emptied
arms <- c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")
d <- read.csv(file.path(ref_dir, "ancova", "data.csv"), na.strings = c("", "NA"), colClasses = c(SITEGR1 = "character"))
d$ARM <- d$TRTP
d$SITEGR1 <- factor(d$SITEGR1)
d$SEX <- factor(d$SEX)
no709 <- d[!(d$TRTP == "Xanomeline High Dose" & d$SITEGR1 == "709"), ]  # site 709 absent in the high dose arm
nof <- d[!(d$TRTP == "Placebo" & d$SEX == "F"), ]                        # no women on placebo
two <- no709[!(no709$TRTP == "Xanomeline Low Dose" & no709$SITEGR1 == "Other"), ]  # two empty cells
nocell <- d[!(d$SITEGR1 == "Other" & d$SEX == "M"), ]                    # an empty SITEGR1 x SEX cell
one(no709, CHG ~ ARM + SITEGR1 + BASE, arms, "engine", "absent_level", "")
one(no709, CHG ~ ARM + SITEGR1 + BASE + ARM:SITEGR1, arms, "engine", "trt_by_site_empty", "")
one(nof, CHG ~ ARM + SEX + BASE + AGE + ARM:SEX, arms, "engine", "trt_by_sex_empty", "")
one(two, CHG ~ ARM + SITEGR1 + BASE + ARM:SITEGR1, arms, "engine", "trt_by_site_two_empty", "")
one(no709, CHG ~ ARM + SITEGR1 + BASE + ARM:SITEGR1 + ARM:BASE, arms, "engine", "site_and_slope_empty", "")
one(nocell, CHG ~ ARM + SITEGR1 + SEX + BASE + SITEGR1:SEX, arms, "engine", "site_by_sex_empty", "")

# Spec level: the unbalanced set of tests/reference/ancova_eff (REGION and AGE from the subject-level data)
sl <- read.csv(file.path(ref_dir, "ancova_eff", "unbalanced_adsl.csv"), na.strings = c("", "NA"))
bds <- read.csv(file.path(ref_dir, "ancova_eff", "unbalanced_bds.csv"), na.strings = c("", "NA"))
u <- merge(bds, sl, by = "USUBJID")
u <- u[u$SAFFL == "Y" & u$PARAMCD == "SCORE", ]
u$ARM <- c("Placebo" = "pbo", "Drug High" = "high", "Drug Low" = "low")[u$TRT01A]
u$REGION <- factor(u$REGION)
ua <- c("pbo", "low", "high")
for (v in c("Week 4", "Week 8")) {
  uv <- u[u$AVISIT == v, ]
  one(uv, CHG ~ ARM + REGION + BASE + ARM:REGION, ua, "spec", "trt_by_region", v, "ref")
  one(uv, CHG ~ ARM + BASE + AGE + ARM:BASE, ua, "spec", "trt_by_base", v, "ref")
  # U-016, the high dose arm's only NAM patient, left out: an empty cell
  one(uv[uv$USUBJID != "U-016", ], CHG ~ ARM + REGION + BASE + ARM:REGION, ua, "spec", "trt_by_region_empty", v, "ref")
}

write_num(do.call(rbind, lsm), "lsmeans.csv")
write_num(do.call(rbind, dif), "diffs.csv")
write_num(do.call(rbind, tst), "tests.csv")
write_num(do.call(rbind, fits), "fit.csv")
