# Reference numbers for tlf's MMRM (tests/unit/test_stats_mmrm*.py).
#
# Usage: Rscript mmrm_reference.R DATA.csv OUT.csv MODEL [COVARIANCE...]
#   DATA.csv columns: USUBJID, TRT, TRTN (treatment order; the first is the reference), AVISIT, VI (visit index 1..T), CHG, and the covariates/factors of MODEL.
#   MODEL "pilot": CHG ~ TRT * AVISIT + SITEGR1 + BASE * AVISIT   (the CDISC pilot SAP's MMRM)
#   MODEL "sim":   CHG ~ TRT * AVISIT + SITE + BASE * AVISIT
#   MODEL "none":  CHG ~ TRT * AVISIT + BASE * AVISIT            (study A's CLASI percent change)
#   COVARIANCE: us cs ar1 toep csh ar1h (nlme::gls, REML), us_ml (method ML), cs_prop (LS means with
#   proportional weights of the site levels, their frequency among the observations: with no varIdent, whose
#   variance weights emmeans would count as case weights), and kr (lme4::lmer random intercept,
#   Kenward-Roger by pbkrtest = compound symmetry with a positive within-subject correlation).
# Writes one row per LS mean (TRT at AVISIT) and per difference TRT - first level at AVISIT:
#   covariance, kind (lsmean/diff), AVISIT, TRT, estimate, se, df
# gls: emmeans(mode = "satterthwaite"); lmer: emmeans with lmer.df = "kenward-roger" (pbkrtest vcovAdj
# and Lb_ddf). LS means average SITE/SITEGR1 with equal weights, BASE at its mean over the observations.
suppressPackageStartupMessages({library(nlme); library(emmeans)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
model <- args[3]
covs <- if (length(args) > 3) args[4:length(args)] else c("us")
d$TRT <- factor(d$TRT, levels = unique(d$TRT[order(d$TRTN)]))
d$AVISIT <- factor(d$AVISIT, levels = unique(d$AVISIT[order(d$VI)]))
site <- switch(model, pilot = "SITEGR1", sim = "SITE", none = NULL)
if (!is.null(site)) d[[site]] <- factor(d[[site]])
options(contrasts = c("contr.sum", "contr.poly"))
f <- as.formula(paste("CHG ~ TRT * AVISIT +", if (is.null(site)) "" else paste(site, "+"), "BASE * AVISIT"))
ctl_us <- glsControl(maxIter = 500, msMaxIter = 500, tolerance = 1e-10, msTol = 1e-14, opt = "optim", optimMethod = "BFGS")
out <- NULL
collect <- function(emm, name) {
  s <- as.data.frame(summary(emm))
  lv <- levels(d$TRT)
  ct <- as.data.frame(summary(contrast(emm, "trt.vs.ctrl", ref = 1, adjust = "none")))
  ct$TRT <- sub(" - .*$", "", ct$contrast)
  ct$TRT <- gsub("[()]", "", ct$TRT)
  rbind(data.frame(covariance = name, kind = "lsmean", AVISIT = s$AVISIT, TRT = s$TRT, estimate = s$emmean,
                   se = s$SE, df = s$df),
        data.frame(covariance = name, kind = "diff", AVISIT = ct$AVISIT, TRT = ct$TRT, estimate = ct$estimate,
                   se = ct$SE, df = ct$df))
}
for (cv in covs) {
  if (cv == "kr") {
    suppressPackageStartupMessages({library(lme4); library(pbkrtest)})
    fr <- as.formula(paste("CHG ~ TRT * AVISIT +", if (is.null(site)) "" else paste(site, "+"),
                           "BASE * AVISIT + (1 | USUBJID)"))
    fit <- lmer(fr, data = d, REML = TRUE, control = lmerControl(optimizer = "bobyqa",
                optCtrl = list(rhobeg = 2e-4, rhoend = 2e-12, maxfun = 1e5)))
    emm <- emmeans(fit, ~ TRT | AVISIT, lmer.df = "kenward-roger", data = d)
  } else {
    base_cv <- sub("_(ml|prop)$", "", cv)  # us_ml: method ML; cs_prop: LS means with proportional weights
    meth <- if (grepl("_ml$", cv)) "ML" else "REML"
    wts <- if (grepl("_prop$", cv)) "proportional" else "equal"
    cs <- switch(base_cv,
      us = corSymm(form = ~ VI | USUBJID), csh = corCompSymm(form = ~ VI | USUBJID),
      cs = corCompSymm(form = ~ VI | USUBJID), ar1 = corAR1(form = ~ VI | USUBJID),
      ar1h = corAR1(form = ~ VI | USUBJID),
      toep = corARMA(form = ~ VI | USUBJID, p = nlevels(d$AVISIT) - 1, q = 0))
    w <- if (base_cv %in% c("us", "csh", "ar1h")) varIdent(form = ~ 1 | AVISIT) else NULL
    # the call holds the objects themselves (emmeans re-evaluates it to recover the data)
    # us: optim's BFGS reaches the optimum; the others: nlminb, restarted from its own solution once
    ctl <- if (base_cv == "us") ctl_us else glsControl(maxIter = 500, msMaxIter = 500)
    fit <- eval(bquote(gls(.(f), data = d, correlation = .(cs), weights = .(w), method = .(meth), control = .(ctl))))
    if (base_cv != "us") {
      cs <- fit$modelStruct$corStruct
      w <- if (is.null(w)) NULL else fit$modelStruct$varStruct
      fit <- eval(bquote(gls(.(f), data = d, correlation = .(cs), weights = .(w), method = .(meth), control = .(ctl))))
    }
    emm <- emmeans(fit, ~ TRT | AVISIT, mode = if (meth == "ML") "df.error" else "satterthwaite", data = d,
                   weights = wts)
  }
  out <- rbind(out, collect(emm, cv))
}
write.csv(out, args[2], row.names = FALSE)
