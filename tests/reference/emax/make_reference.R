# Reference fits of the Emax model by R's nls (Gauss-Newton), independent of tlf.
#   Rscript tests/reference/emax/make_reference.R tests/reference/emax OUT_DIR
# Reads adpd.csv (responses) and adpc.csv (concentrations), pairs them by subject and nominal time
# (BLQ concentrations as 0, missing responses and responses without a concentration left out) and
# writes OUT_DIR/fits.csv: model, parameter, estimate, SE, residual SE, df, n.
args <- commandArgs(trailingOnly = TRUE)
inp <- args[1]; out <- args[2]
pd <- read.csv(file.path(inp, "adpd.csv"), stringsAsFactors = FALSE)
pc <- read.csv(file.path(inp, "adpc.csv"), stringsAsFactors = FALSE)
pc$C <- ifelse(pc$BLQFL == "Y", 0, pc$AVAL)
d <- merge(pd, pc[, c("USUBJID", "NTIME", "C")], by.x = c("USUBJID", "ATPTN"), by.y = c("USUBJID", "NTIME"))
d <- d[!is.na(d$AVAL) & !is.na(d$C), ]
y <- d$AVAL; conc <- d$C
ctl <- nls.control(maxiter = 500, tol = 1e-8)
fits <- list(
  e0_fixed = nls(y ~ emax * conc / (ec50 + conc), start = list(emax = 70, ec50 = 1), control = ctl),
  hyperbolic = nls(y ~ e0 + emax * conc / (ec50 + conc), start = list(e0 = 0, emax = 70, ec50 = 1), control = ctl),
  sigmoid = nls(y ~ e0 + emax * conc^hill / (ec50^hill + conc^hill),
                start = list(e0 = 0, emax = 70, ec50 = 1, hill = 1), control = ctl)
)
rows <- do.call(rbind, lapply(names(fits), function(m) {
  s <- summary(fits[[m]])
  co <- s$coefficients
  data.frame(model = m, parameter = rownames(co), estimate = sprintf("%.12g", co[, 1]),
             se = sprintf("%.12g", co[, 2]), sigma = sprintf("%.12g", s$sigma), df = s$df[2], n = nrow(d))
}))
write.csv(rows, file.path(out, "fits.csv"), row.names = FALSE, quote = FALSE)
