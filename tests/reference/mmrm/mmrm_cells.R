# Reference for an MMRM with an empty cell of treatment x visit (tests/unit/test_stats_mmrm.py): the same model
# written in cell-means form, which is of full rank, so nlme::gls fits it without aliasing:
#   CHG ~ 0 + CELL + SITE + BASE:AVISIT   (CELL = the observed treatment x visit combinations)
# spans the same fixed effects as CHG ~ TRT * AVISIT + SITE + BASE * AVISIT minus its aliased columns.
# LS means of the observed cells: emmeans over CELL x AVISIT (SITE equal weights, BASE at its mean), rows
# whose CELL is at that AVISIT. Unstructured covariance (corSymm + varIdent), REML, optim's BFGS.
# Usage: Rscript mmrm_cells.R DATA.csv OUT.csv   (DATA as mmrm_reference.R's, MODEL sim)
# Writes: AVISIT, TRT, estimate, se, m2ll.
suppressPackageStartupMessages({library(nlme); library(emmeans)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$TRT <- factor(d$TRT, levels = unique(d$TRT[order(d$TRTN)]))
d$AVISIT <- factor(d$AVISIT, levels = unique(d$AVISIT[order(d$VI)]))
d$SITE <- factor(d$SITE)
d$CELL <- factor(paste(d$TRT, d$AVISIT, sep = "@"))
options(contrasts = c("contr.sum", "contr.poly"))
ctl <- glsControl(maxIter = 500, msMaxIter = 500, tolerance = 1e-10, msTol = 1e-14, opt = "optim", optimMethod = "BFGS")
fit <- gls(CHG ~ 0 + CELL + SITE + BASE:AVISIT, data = d, correlation = corSymm(form = ~ VI | USUBJID),
           weights = varIdent(form = ~ 1 | AVISIT), method = "REML", control = ctl)
s <- as.data.frame(summary(emmeans(fit, ~ CELL * AVISIT, data = d, mode = "df.error")))
s <- s[as.character(s$AVISIT) == sub("^.*@", "", as.character(s$CELL)), ]
out <- data.frame(AVISIT = s$AVISIT, TRT = sub("@.*$", "", as.character(s$CELL)), estimate = s$emmean, se = s$SE,
                  m2ll = -2 * as.numeric(logLik(fit)))
write.csv(out, args[2], row.names = FALSE)
