"""Inference for linear functions l'b of an MMRM: the covariance of b and the degrees of freedom.

- `residual`: Phi = (X'V^-1 X)^-1 at the estimate, df = N - p (SAS DDFM=RESIDUAL).
- `satterthwaite`: Phi; df = 2 (l'Phi l)^2 / (g' W g), g_k = d(l'Phi l)/dtheta_k = -l'Phi P_k Phi l,
  W = the inverse observed information of theta (2 H^-1, H the Hessian of -2 l) (SAS DDFM=SATTERTHWAITE).
- `kenward-roger` (Kenward & Roger 1997; SAS DDFM=KR): the adjusted covariance

      Phi_A = Phi + 2 Phi { sum_hj W_hj (Q_hj - P_h Phi P_j - R_hj / 4) } Phi,
      P_h = X' dV^-1/dtheta_h X = -X'V^-1 V_h V^-1 X,  Q_hj = X'V^-1 V_h V^-1 V_j V^-1 X,
      R_hj = X'V^-1 V_hj V^-1 X (zero for the structures linear in theta: us, cs, toep),

  and for one linear function the KR df, which reduces to 2 / (a'W a) with a_h = l'Phi P_h Phi l / l'Phi l
  (the moment-matching formulas of Kenward & Roger with one numerator df; lambda = 1): the same df as
  Satterthwaite's, while the SE is sqrt(l'Phi_A l). W is the inverse observed information, as SAS.

The weighted sums over (h, j) are taken inside each missing-data pattern before the (T x T) x (p x p)
contraction, so the cost does not grow with q^2 p^2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tlf.stats.mmrm_fit import Problem, State, q_matrices

DF_METHODS = ("kenward-roger", "satterthwaite", "residual")


@dataclass(frozen=True)
class Inference:
    """What inference on l'b needs: b, the covariance of b used for SEs (Phi_A for Kenward-Roger),
    Phi, the P_h (shape q x p x p), W, the method and the residual df."""

    beta: np.ndarray
    cov: np.ndarray
    phi: np.ndarray
    p_mats: np.ndarray
    w: np.ndarray
    method: str
    df_resid: int

    def df(self, l: np.ndarray) -> float:
        """Denominator degrees of freedom for l'b."""
        if self.method == "residual":
            return float(self.df_resid)
        v = float(l @ self.phi @ l)
        pl = self.phi @ l
        a = np.einsum("p,hpq,q->h", pl, self.p_mats, pl) / v
        awa = float(a @ self.w @ a)
        return 2.0 / awa if awa > 0 else math.inf

    def se(self, l: np.ndarray) -> float:
        v = float(l @ self.cov @ l)
        return math.sqrt(v) if v >= 0 else math.nan


def inference(prob: Problem, st: State, d: np.ndarray, d2: np.ndarray | None, hess: np.ndarray,
              method: str) -> Inference:
    """The Inference of a fit at its optimum (d, d2: first and second derivatives of Sigma in theta;
    hess: the Hessian of -2 l in theta)."""
    phi = st.c
    df_resid = prob.n_obs - prob.p
    if method == "residual":
        return Inference(st.beta, phi, phi, np.zeros((0, prob.p, prob.p)), np.zeros((0, 0)), method, df_resid)
    w = 2.0 * np.linalg.inv(hess)
    w = 0.5 * (w + w.T)
    qm = q_matrices(prob, st, d)
    p_mats = -qm
    if method == "satterthwaite":
        return Inference(st.beta, phi, phi, p_mats, w, method, df_resid)
    inner = np.zeros((prob.p, prob.p))
    for g, wg in zip(prob.patterns, st.w, strict=True):
        wd = np.einsum("ab,kbc->kac", wg, d)  # W D_h
        wdw = np.einsum("kab,bc->kac", wd, wg)  # W D_h W
        m = np.einsum("hj,hab,jbc->ac", w, wd, wdw, optimize=True)  # sum_hj W_hj W D_h W D_j W
        if d2 is not None:
            m -= 0.25 * np.einsum("hj,ab,hjbc,cd->ad", w, wg, d2, wg, optimize=True)
        inner += np.einsum("ab,abpq->pq", m, g.xx, optimize=True)
    inner -= np.einsum("hj,hpr,rs,jsq->pq", w, p_mats, phi, p_mats, optimize=True)
    inner = 0.5 * (inner + inner.T)
    cov = phi + 2.0 * phi @ inner @ phi
    return Inference(st.beta, 0.5 * (cov + cov.T), phi, p_mats, w, method, df_resid)
