"""The MMRM likelihood: REML (or ML) of y_i ~ N(X_i b, Sigma_i), Sigma_i the rows and columns of the
T x T matrix Sigma(theta) for the visits subject i has, b profiled out.

Subjects with the same visits observed (a missing-data pattern g) share Sigma_g, so the likelihood, its
gradient and its Hessian need only the per-pattern sums (embedded in T x T, zero at missing visits)

    XX_g[a, b, p, q] = sum_i X_i[a, p] X_i[b, q],  XY_g[a, b, p] = sum_i X_i[a, p] y_i[b],
    YY_g[a, b] = sum_i y_i[a] y_i[b],              n_g = number of subjects,

computed once: an evaluation costs (patterns x T^2 x p^2), whatever the number of subjects.

With W_g = Sigma_g^-1 (embedded), A = X'V^-1 X = sum_g <W_g, XX_g>, b = A^-1 X'V^-1 y, C = A^-1,
K_g = sum_i X_i C X_i', S_g = sum_i r_i r_i' (r = y - X b):

    -2 l_R = sum_g n_g log|Sigma_g| + log|A| + r'V^-1 r + (N - p) log(2 pi)
    d(-2 l_R)/dSigma = sum_g (n_g W_g - W_g K_g W_g - W_g S_g W_g)       (ML: without the K_g term)

and the Hessian in theta (D_k = dSigma/dtheta_k, D_kl the second derivatives, P = V^-1 - V^-1 X C X'V^-1):

    H_kl = -tr(P V_k P V_l) + tr(P V_kl) + 2 y'P V_k P V_l P y - y'P V_kl P y

with every trace reduced to the pattern sums (see `hessian`). The optimiser works in the unconstrained
phi of the structure (tlf.stats.mmrm_cov) with the exact gradient (chain rule through dSigma/dphi by the
complex step), then Newton steps in theta with the exact Hessian polish the optimum. The fit is
accepted only when the Newton decrement g'H^-1 g is below 1e-8 and H is positive definite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tlf.stats.mmrm_cov import Structure

LOG_2PI = math.log(2 * math.pi)
DECREMENT_TOL = 1e-8


@dataclass
class Pattern:
    """Subjects observed at the same visits: their pattern sums (embedded T x T, see the module doc)."""

    visits: tuple[int, ...]
    n: int
    xx: np.ndarray
    xy: np.ndarray
    yy: np.ndarray


@dataclass
class Problem:
    """The data of an MMRM reduced to pattern sums. `t` visits, `p` columns of X, `n_obs` observations."""

    t: int
    p: int
    n_obs: int
    patterns: list[Pattern]
    reml: bool = True


def build_problem(x: np.ndarray, y: np.ndarray, subject: np.ndarray, visit: np.ndarray, t: int,
                  reml: bool = True) -> Problem:
    """Pattern sums from X (N x p), y (N), the subject code and the visit index (0..t-1) of each row
    (one row per subject and visit)."""
    order = np.lexsort((visit, subject))
    x, y, subject, visit = x[order], y[order], subject[order], visit[order]
    _, start = np.unique(subject, return_index=True)
    bounds = list(start) + [len(subject)]
    groups: dict[tuple[int, ...], list[int]] = {}
    for s in range(len(start)):
        vis = tuple(int(v) for v in visit[bounds[s]:bounds[s + 1]])
        groups.setdefault(vis, []).append(bounds[s])
    p = x.shape[1]
    patterns = []
    for vis, firsts in sorted(groups.items()):
        m = len(vis)
        rows = (np.asarray(firsts)[:, None] + np.arange(m)[None, :])
        xe = np.zeros((len(firsts), t, p))
        ye = np.zeros((len(firsts), t))
        xe[:, list(vis), :] = x[rows]
        ye[:, list(vis)] = y[rows]
        flat = xe.reshape(len(firsts), t * p)
        xx = np.ascontiguousarray((flat.T @ flat).reshape(t, p, t, p).transpose(0, 2, 1, 3))
        xy = np.ascontiguousarray(np.einsum("iap,ib->abp", xe, ye))
        patterns.append(Pattern(vis, len(firsts), xx, xy, np.ascontiguousarray(ye.T @ ye)))
    return Problem(t, p, len(y), patterns, reml)


@dataclass
class State:
    """Everything at one Sigma: W_g (embedded inverses), A, C = A^-1, b, the objective and the pieces
    the gradient and Hessian reuse (K_g, S_g, U_g = sum_i X_i[a, p] r_i[b])."""

    objective: float
    beta: np.ndarray
    a: np.ndarray
    c: np.ndarray
    w: list[np.ndarray]
    k: list[np.ndarray] = field(default_factory=list)
    s: list[np.ndarray] = field(default_factory=list)
    u: list[np.ndarray] = field(default_factory=list)


def evaluate(prob: Problem, sigma: np.ndarray) -> State | None:
    """-2 log likelihood (REML or ML) at Sigma, b profiled; None when Sigma or A is not positive definite."""
    t = prob.t
    logdet = 0.0
    w_all = []
    a = np.zeros((prob.p, prob.p))
    xvy = np.zeros(prob.p)
    yvy = 0.0
    tt, p = t * t, prob.p
    for g in prob.patterns:
        idx = list(g.visits)
        sub = sigma[np.ix_(idx, idx)]
        try:
            chol = np.linalg.cholesky(sub)
            inv = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            return None
        logdet += 2.0 * g.n * float(np.log(np.diag(chol)).sum())
        w = np.zeros((t, t))
        w[np.ix_(idx, idx)] = 0.5 * (inv + inv.T)
        w_all.append(w)
        wf = w.reshape(tt)
        a += (wf @ g.xx.reshape(tt, p * p)).reshape(p, p)
        xvy += wf @ g.xy.reshape(tt, p)
        yvy += float(wf @ g.yy.reshape(tt))
    a = 0.5 * (a + a.T)
    try:
        chol_a = np.linalg.cholesky(a)
        c = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return None
    c = 0.5 * (c + c.T)
    beta = c @ xvy
    rvr = yvy - float(xvy @ beta)
    n, p = prob.n_obs, prob.p
    if prob.reml:
        obj = logdet + 2.0 * float(np.log(np.diag(chol_a)).sum()) + rvr + (n - p) * LOG_2PI
    else:
        obj = logdet + rvr + n * LOG_2PI
    return State(obj, beta, a, c, w_all)


def _pieces(prob: Problem, st: State) -> None:
    """K_g, S_g and U_g of every pattern (once per state)."""
    if st.s:
        return
    b = st.beta
    t, p = prob.t, prob.p
    cf = st.c.reshape(p * p)
    for g in prob.patterns:
        xb = (g.xy.reshape(t * t, p) @ b).reshape(t, t)  # sum_i (X_i b)[a] y_i[b]
        xxb = (g.xx.reshape(t * t * p, p) @ b).reshape(t, t, p)
        st.s.append(g.yy - xb - xb.T + (xxb.reshape(t * t, p) @ b).reshape(t, t))
        st.u.append(g.xy - xxb)
        st.k.append((g.xx.reshape(t * t, p * p) @ cf).reshape(t, t) if prob.reml else np.zeros_like(g.yy))


def sigma_gradient(prob: Problem, st: State) -> np.ndarray:
    """d(-2 l)/dSigma as a T x T matrix G: d(-2 l) = sum(G * dSigma) for a symmetric change dSigma."""
    _pieces(prob, st)
    grad = np.zeros((prob.t, prob.t))
    for g, w, k, s in zip(prob.patterns, st.w, st.k, st.s, strict=True):
        grad += g.n * w - w @ (k + s) @ w
    return grad


def theta_gradient(prob: Problem, st: State, d: np.ndarray) -> np.ndarray:
    """d(-2 l)/dtheta_k = <G, D_k>."""
    return np.einsum("ab,kab->k", sigma_gradient(prob, st), d)


def q_matrices(prob: Problem, st: State, d: np.ndarray) -> np.ndarray:
    """Q_k = X'V^-1 V_k V^-1 X, shape (n_theta, p, p) (Kenward-Roger's P_k is -Q_k)."""
    q, t, p = d.shape[0], prob.t, prob.p
    out = np.zeros((q, p * p))
    for g, w in zip(prob.patterns, st.w, strict=True):
        m = w @ d @ w  # (q, T, T)
        out += m.reshape(q, t * t) @ g.xx.reshape(t * t, p * p)
    return out.reshape(q, p, p)


def hessian(prob: Problem, st: State, d: np.ndarray, d2: np.ndarray | None, expected: bool = False) -> np.ndarray:
    """The exact Hessian of -2 l in theta (see the module doc); `expected`: its expectation
    tr(P V_k P V_l) (twice the expected information, as pbkrtest uses it)."""
    _pieces(prob, st)
    q = d.shape[0]
    tr_pvpv = np.zeros((q, q))
    tr_pvkl = np.zeros((q, q))
    ypvpvpy = np.zeros((q, q))
    ypvklpy = np.zeros((q, q))
    e = np.zeros((q, prob.p))
    for g, w, k, s, u in zip(prob.patterns, st.w, st.k, st.s, st.u, strict=True):
        wd = np.einsum("ab,kbc->kac", w, d)  # W D_k
        tr_pvpv += g.n * np.einsum("kab,lba->kl", wd, wd)
        wk, ws = w @ k, w @ s
        # tr(W D_k W D_l W K) and the r-side tr(W D_k W D_l W S)
        tr_pvpv -= np.einsum("kab,lbc,ca->kl", wd, wd, wk, optimize=True) * 2.0
        ypvpvpy += np.einsum("kab,lbc,ca->kl", wd, wd, ws, optimize=True)
        wdw = np.einsum("kab,bc->kac", wd, w)
        e += np.einsum("kab,abp->kp", wdw, u, optimize=True)
        if d2 is not None:
            wd2w = np.einsum("ab,klbc,cd->klad", w, d2, w, optimize=True)
            tr_pvkl += g.n * np.einsum("ab,klba->kl", w, d2) - np.einsum("klab,ba->kl", wd2w, k)
            ypvklpy += np.einsum("klab,ba->kl", wd2w, s)
    if prob.reml:
        cq = np.einsum("pr,krs->kps", st.c, q_matrices(prob, st, d))
        tr_pvpv += np.einsum("kps,lsp->kl", cq, cq)
    if expected:
        return 0.5 * (tr_pvpv + tr_pvpv.T)
    ypvpvpy -= e @ st.c @ e.T
    h = -tr_pvpv + tr_pvkl + 2.0 * ypvpvpy - ypvklpy
    return 0.5 * (h + h.T)


@dataclass(frozen=True)
class Optimum:
    """The result of the optimisation: theta, the state there, gradient and Hessian in theta, whether it
    converged and, when not, why."""

    theta: np.ndarray
    state: State | None
    gradient: np.ndarray
    hessian: np.ndarray
    converged: bool
    reason: str = ""
    iterations: int = 0


def optimise(prob: Problem, struct: Structure, start_variance: float, max_newton: int = 50) -> Optimum:
    """Maximise the (restricted) likelihood: BFGS in phi, then Newton in theta (see the module doc)."""
    from scipy.optimize import minimize

    def fun(phi):
        st = evaluate(prob, struct.sigma_phi(phi))
        if st is None or not math.isfinite(st.objective):
            return 1e300, np.zeros_like(phi)
        g = sigma_gradient(prob, st)
        return st.objective, np.einsum("ab,kab->k", g, struct.d_sigma_phi(phi))

    phi0 = struct.start(start_variance)
    res = minimize(fun, phi0, jac=True, method="BFGS", options={"gtol": 1e-6, "maxiter": 2000})
    theta = struct.natural(res.x)
    return newton(prob, struct, theta, max_newton, int(res.nit))


def newton(prob: Problem, struct: Structure, theta: np.ndarray, max_iter: int, done: int = 0) -> Optimum:
    """Newton steps in theta with step halving, as long as they lower the objective and the Newton
    decrement is above rounding level (1e-20); converged when it ends below DECREMENT_TOL with H positive
    definite."""
    st = evaluate(prob, struct.sigma(theta))
    q = struct.n_theta
    if st is None:
        return Optimum(theta, None, np.full(q, np.nan), np.full((q, q), np.nan), False,
                       "the covariance matrix is not positive definite at the optimiser's solution", done)
    it = 0
    while True:
        d = struct.d_sigma(theta)
        grad = theta_gradient(prob, st, d)
        hess = hessian(prob, st, d, struct.d2_sigma(theta))
        pd = _positive_definite(hess)
        step = np.linalg.solve(hess, grad) if pd else np.full_like(grad, np.nan)
        decrement = float(grad @ step) if pd else math.nan
        if not pd or decrement < 1e-20 or it >= max_iter:
            break
        moved = False
        for scale in 0.5 ** np.arange(30):
            cand = theta - scale * step
            new = evaluate(prob, struct.sigma(cand))
            # near the optimum (decrement below 1e-6) the objective changes less than its rounding: the full
            # Newton step is taken on the quadratic model alone
            if new is not None and (new.objective <= st.objective or (scale == 1.0 and decrement < 1e-6)):
                moved = True
                theta, st = cand, new
                break
        it += 1
        if not moved or float(np.max(np.abs(step) / np.maximum(np.abs(theta), 1e-300))) < 1e-15:
            break
    if pd and decrement < DECREMENT_TOL:
        return Optimum(theta, st, grad, hess, True, "", done + it)
    why = ("the Hessian of the likelihood is not positive definite at the solution (no proper optimum: "
           "e.g. a variance or correlation at the boundary)" if not pd else
           f"the optimiser did not converge (Newton decrement {decrement:.3g})")
    return Optimum(theta, st, grad, hess, False, why, done + it)


def _positive_definite(h: np.ndarray) -> bool:
    if not np.all(np.isfinite(h)):
        return False
    ev = np.linalg.eigvalsh(h)
    return bool(ev[0] > 1e-10 * max(abs(ev[-1]), 1e-300))
