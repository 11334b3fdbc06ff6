# Exact-optimum reference for tlf's unstructured MMRM (tests/unit/test_stats_mmrm*.py), independent of tlf:
# nlme::gls gives the start; the REML criterion is written out here for the unstructured covariance (natural
# parameters: the lower triangle of Sigma by rows) and polished by Newton steps with numDeriv's Richardson
# gradient and Hessian (nlminb inside gls stops short of the optimum by ~1e-6 in the SEs). LS means use
# emmeans' linear functions (emmeans(gls, ~ TRT | AVISIT)@linfct). Satterthwaite df: 2 v^2 / (g'W g),
# v = l'Phi l, g its numDeriv gradient in theta, W = 2 H^-1 (H the numDeriv Hessian of -2 l_R: the inverse
# observed information, as SAS). Kenward-Roger (Kenward & Roger 1997, linear in theta, as SAS DDFM=KR for UN):
# Phi_A = Phi + 2 Phi {sum W_hj (Q_hj - P_h Phi P_j)} Phi with dense N x N matrices; KR df for one contrast by
# the general moment-matching formulas (c = 1).
#
# Usage: Rscript mmrm_exact.R DATA.csv OUT.csv MODEL   (DATA and MODEL as in mmrm_reference.R)
# Writes: kind, AVISIT, TRT, estimate, se, df_satterthwaite, se_kr, df_kr, m2ll (-2 REML log likelihood).
suppressPackageStartupMessages({library(nlme); library(emmeans); library(numDeriv)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
model <- args[3]
d$TRT <- factor(d$TRT, levels = unique(d$TRT[order(d$TRTN)]))
d$AVISIT <- factor(d$AVISIT, levels = unique(d$AVISIT[order(d$VI)]))
site <- switch(model, pilot = "SITEGR1", sim = "SITE", none = NULL)
if (!is.null(site)) d[[site]] <- factor(d[[site]])
options(contrasts = c("contr.sum", "contr.poly"))
f <- as.formula(paste("CHG ~ TRT * AVISIT +", if (is.null(site)) "" else paste(site, "+"), "BASE * AVISIT"))
fit <- eval(bquote(gls(.(f), data = d, correlation = corSymm(form = ~ VI | USUBJID),
                       weights = varIdent(form = ~ 1 | AVISIT), method = "REML")))
X <- model.matrix(f, d)
stopifnot(identical(colnames(X), names(coef(fit))))
y <- d$CHG
nt <- nlevels(d$AVISIT)
vi <- as.integer(d$AVISIT)
rows <- split(seq_len(nrow(d)), d$USUBJID)
low <- which(lower.tri(diag(nt), diag = TRUE) & TRUE, arr.ind = TRUE)
low <- low[order(low[, 1], low[, 2]), , drop = FALSE]  # (1,1), (2,1), (2,2), (3,1), ...
sig <- function(th) { s <- matrix(0, nt, nt); s[low] <- th; s[low[, 2:1]] <- th; s }
full <- names(which.max(table(d$USUBJID)))
s0 <- getVarCov(fit, individual = full)
th <- s0[low]
pieces <- function(th) {
  s <- sig(th)
  ld <- 0; a <- 0; b <- 0; c <- 0
  for (r in rows) {
    v <- vi[r]; sv <- s[v, v, drop = FALSE]
    ch <- tryCatch(chol(sv), error = function(e) NULL)
    if (is.null(ch)) return(NULL)
    w <- chol2inv(ch); xr <- X[r, , drop = FALSE]
    ld <- ld + 2 * sum(log(diag(ch))); a <- a + t(xr) %*% w %*% xr
    b <- b + t(xr) %*% w %*% y[r]; c <- c + sum(y[r] * (w %*% y[r]))
  }
  list(ld = ld, a = a, b = b, c = c)
}
m2ll <- function(th) {
  p <- pieces(th)
  if (is.null(p)) return(1e100)
  beta <- solve(p$a, p$b)
  p$ld + as.numeric(determinant(p$a)$modulus) + p$c - sum(p$b * beta) + (length(y) - ncol(X)) * log(2 * pi)
}
# numDeriv's default Richardson steps (d = 0.1 relative) are the most precise; where they leave the
# positive definite region (small data), smaller ones (1e-2) are used
newton <- function(th, ma) {
  for (k in 1:4) th <- th - solve(hessian(m2ll, th, method.args = ma), grad(m2ll, th, method.args = ma))
  th
}
ma <- list(d = 0.1, eps = 1e-4, r = 4)
th1 <- tryCatch(newton(th, ma), error = function(e) NULL)
if (is.null(th1)) { ma <- list(d = 1e-2, eps = 1e-4, r = 4); th1 <- newton(th, ma) }
th <- th1
H <- hessian(m2ll, th, method.args = ma)
W <- 2 * solve(H)
p <- pieces(th)
Phi <- solve(p$a)
beta <- Phi %*% p$b
emm <- emmeans(fit, ~ TRT | AVISIT, data = d)
L <- emm@linfct
g <- emm@grid
lv <- levels(d$TRT)
D <- NULL; labs <- NULL
for (v in levels(d$AVISIT)) {
  i0 <- which(g$AVISIT == v & g$TRT == lv[1])
  for (t in lv) { D <- rbind(D, L[which(g$AVISIT == v & g$TRT == t), ]); labs <- rbind(labs, c("lsmean", v, t)) }
  for (t in lv[-1]) { D <- rbind(D, L[which(g$AVISIT == v & g$TRT == t), ] - L[i0, ]); labs <- rbind(labs, c("diff", v, t)) }
}
phi_of <- function(th) { q <- pieces(th); solve(q$a) }
vfun <- function(th) { ph <- phi_of(th); rowSums((D %*% ph) * D) }
G <- jacobian(vfun, th, method.args = ma)
v <- rowSums((D %*% Phi) * D)
df_satt <- 2 * v^2 / rowSums((G %*% W) * G)
# Kenward-Roger with dense matrices
n <- length(y); s <- sig(th)
V <- matrix(0, n, n)
for (r in rows) V[r, r] <- s[vi[r], vi[r]]
Vinv <- solve(V)
Z <- Vinv %*% X
q <- length(th)
Vh <- lapply(seq_len(q), function(h) {
  e <- matrix(0, nt, nt); e[low[h, 1], low[h, 2]] <- 1; e[low[h, 2], low[h, 1]] <- 1
  m <- matrix(0, n, n); for (r in rows) m[r, r] <- e[vi[r], vi[r]]; m })
P <- lapply(Vh, function(m) -t(Z) %*% m %*% Z)
B <- lapply(Vh, function(m) Vinv %*% (m %*% Z))
inner <- 0
for (h in seq_len(q)) for (j in seq_len(q))
  inner <- inner + W[h, j] * (t(B[[h]]) %*% Vh[[j]] %*% Z - P[[h]] %*% Phi %*% P[[j]])
PhiA <- Phi + 2 * Phi %*% inner %*% Phi
kr_df <- function(l) {
  M <- l %*% t(l) / as.numeric(t(l) %*% Phi %*% l)
  tr1 <- sapply(P, function(ph) sum(diag(M %*% Phi %*% ph %*% Phi)))
  A1 <- as.numeric(t(tr1) %*% W %*% tr1)
  A2 <- 0
  for (h in seq_len(q)) for (j in seq_len(q))
    A2 <- A2 + W[h, j] * sum(diag(M %*% Phi %*% P[[h]] %*% Phi %*% M %*% Phi %*% P[[j]] %*% Phi))
  c1 <- 1; B_ <- (A1 + 6 * A2) / (2 * c1); gg <- ((c1 + 1) * A1 - (c1 + 4) * A2) / ((c1 + 2) * A2)
  k1 <- gg / (3 * c1 + 2 * (1 - gg)); k2 <- (c1 - gg) / (3 * c1 + 2 * (1 - gg)); k3 <- (c1 + 2 - gg) / (3 * c1 + 2 * (1 - gg))
  E <- 1 / (1 - A2 / c1); Vs <- 2 / c1 * (1 + k1 * B_) / ((1 - k2 * B_)^2 * (1 - k3 * B_))
  rho <- Vs / (2 * E^2)
  4 + (c1 + 2) / (c1 * rho - 1)
}
out <- data.frame(kind = labs[, 1], AVISIT = labs[, 2], TRT = labs[, 3], estimate = as.numeric(D %*% beta),
                  se = sqrt(v), df_satterthwaite = df_satt, se_kr = sqrt(rowSums((D %*% PhiA) * D)),
                  df_kr = apply(D, 1, kr_df), m2ll = m2ll(th))
write.csv(out, args[2], row.names = FALSE)
