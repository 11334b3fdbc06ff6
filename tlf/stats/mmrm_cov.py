"""Residual covariance structures of the MMRM: the T x T covariance of one subject's visits.

Each structure has two parametrisations:

- theta, the natural parameters SAS PROC MIXED reports (covariances and variances, and correlations
  where the structure is not linear in its covariances). Inference (Kenward-Roger, Satterthwaite) is
  done in theta, as SAS does: `us`, `cs` and `toep` are linear in theta (no second derivatives),
  `ar1`, `csh` and `ar1h` are not.
- phi, unconstrained, in which the optimiser searches (every phi gives a positive definite matrix):
  `us` the Cholesky factor with log diagonal, `toep` log variance and the partial autocorrelations
  through tanh (Durbin-Levinson), `cs`/`csh` log variances and a correlation mapped into
  (-1/(T-1), 1), `ar1`/`ar1h` log variances and tanh of the correlation.

theta:
    us    the lower triangle of Sigma by rows: s11, s21, s22, s31, ... (SAS UN(i,j))
    cs    (covariance, residual): Sigma = residual I + covariance J (SAS CS, Residual)
    toep  (s0, s1, ..., s_{T-1}): Sigma_ij = s_|i-j| (SAS TOEP)
    ar1   (variance, rho): Sigma_ij = variance rho^|i-j| (SAS AR(1))
    csh   (variance_1, ..., variance_T, rho): Sigma_ij = sd_i sd_j rho (i != j) (SAS CSH)
    ar1h  (variance_1, ..., variance_T, rho): Sigma_ij = sd_i sd_j rho^|i-j| (SAS ARH(1))

All maps are written with arithmetic that also holds for complex numbers, so that first derivatives
are taken by the complex step (exact to rounding) and second derivatives of the non-linear structures
by central differences of those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRUCTURES = ("us", "cs", "ar1", "toep", "csh", "ar1h")
_STEP = 1e-20  # complex step


@dataclass(frozen=True)
class Structure:
    """One covariance structure for T visits."""

    name: str
    t: int

    @property
    def linear(self) -> bool:
        """True when Sigma is linear in theta (second derivatives zero)."""
        return self.name in ("us", "cs", "toep") or self.t == 1

    @property
    def n_theta(self) -> int:
        t = self.t
        return {"us": t * (t + 1) // 2, "cs": 2, "toep": t, "ar1": 2, "csh": t + 1, "ar1h": t + 1}[self.name]

    def theta_names(self) -> tuple[str, ...]:
        t = self.t
        if self.name == "us":
            return tuple(f"UN({i + 1},{j + 1})" for i in range(t) for j in range(i + 1))
        if self.name == "cs":
            return ("CS", "Residual")
        if self.name == "toep":
            return tuple(f"TOEP({k + 1})" for k in range(t))
        if self.name == "ar1":
            return ("Variance", "AR(1)")
        return (*(f"Var({i + 1})" for i in range(t)), "Rho")

    # ------------------------------------------------------------ theta -> Sigma

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        """Sigma from the natural parameters (real or complex)."""
        t, th = self.t, theta
        dtype = np.result_type(theta, float)
        if self.name == "us":
            s = np.zeros((t, t), dtype=dtype)
            k = 0
            for i in range(t):
                for j in range(i + 1):
                    s[i, j] = th[k]
                    s[j, i] = th[k]
                    k += 1
            return s
        lag = np.abs(np.subtract.outer(np.arange(t), np.arange(t)))
        if self.name == "cs":
            return th[1] * np.eye(t) + th[0] * np.ones((t, t))
        if self.name == "toep":
            return np.asarray(th, dtype=dtype)[lag]
        if self.name == "ar1":
            return th[0] * _powers(th[1], lag, dtype)
        sd = np.sqrt(np.asarray(th[:t], dtype=dtype))
        corr = _powers(th[t], lag, dtype) if self.name == "ar1h" else _cs_corr(th[t], t, dtype)
        return np.outer(sd, sd) * corr

    def d_sigma(self, theta: np.ndarray) -> np.ndarray:
        """dSigma/dtheta_k, shape (n_theta, T, T), by the complex step."""
        theta = np.asarray(theta, dtype=float)
        out = np.empty((self.n_theta, self.t, self.t))
        for k in range(self.n_theta):
            z = theta.astype(complex)
            z[k] += 1j * _STEP
            out[k] = self.sigma(z).imag / _STEP
        return out

    def d2_sigma(self, theta: np.ndarray) -> np.ndarray | None:
        """d2Sigma/dtheta_k dtheta_l, shape (n_theta, n_theta, T, T); None when Sigma is linear in theta."""
        if self.linear:
            return None
        theta = np.asarray(theta, dtype=float)
        q = self.n_theta
        out = np.empty((q, q, self.t, self.t))
        for l in range(q):
            h = 1e-5 * max(1.0, abs(theta[l]))
            up, dn = theta.copy(), theta.copy()
            up[l] += h
            dn[l] -= h
            out[:, l] = (self.d_sigma(up) - self.d_sigma(dn)) / (2 * h)
        return 0.5 * (out + out.transpose(1, 0, 2, 3))

    # ------------------------------------------------------------ phi (unconstrained) -> theta

    def theta(self, phi: np.ndarray) -> np.ndarray:
        """The natural parameters from the unconstrained ones (real or complex)."""
        t = self.t
        dtype = np.result_type(phi, float)
        if self.name == "us":
            lower = np.zeros((t, t), dtype=dtype)
            k = 0
            for i in range(t):
                for j in range(i + 1):
                    lower[i, j] = np.exp(phi[k]) if i == j else phi[k]
                    k += 1
            s = lower @ lower.T
            return np.array([s[i, j] for i in range(t) for j in range(i + 1)], dtype=dtype)
        if t == 1:
            return np.exp(phi[:1])
        if self.name == "cs":
            var = np.exp(phi[0])
            rho = _cs_rho(phi[1], t)
            return np.array([var * rho, var * (1 - rho)], dtype=dtype)
        if self.name == "toep":
            return np.exp(phi[0]) * _durbin_levinson(np.tanh(phi[1:]), dtype)
        if self.name == "ar1":
            return np.array([np.exp(phi[0]), np.tanh(phi[1])], dtype=dtype)
        rho = np.tanh(phi[t]) if self.name == "ar1h" else _cs_rho(phi[t], t)
        return np.array([*np.exp(phi[:t]), rho], dtype=dtype)

    def n_phi(self) -> int:
        return 1 if self.t == 1 and self.name != "us" else self.n_theta

    def start(self, variance: float) -> np.ndarray:
        """Unconstrained start: Sigma = variance * I."""
        t = self.t
        phi = np.zeros(self.n_phi())
        if self.name == "us":
            k = 0
            for i in range(t):
                for j in range(i + 1):
                    phi[k] = 0.5 * np.log(variance) if i == j else 0.0
                    k += 1
            return phi
        if t == 1:
            phi[0] = np.log(variance)
            return phi
        if self.name in ("csh", "ar1h"):
            phi[:t] = np.log(variance)
            phi[t] = _cs_rho_inverse(0.0, t) if self.name == "csh" else 0.0
            return phi
        phi[0] = np.log(variance)
        if self.name == "cs":
            phi[1] = _cs_rho_inverse(0.0, t)
        return phi

    def sigma_phi(self, phi: np.ndarray) -> np.ndarray:
        """Sigma from the unconstrained parameters."""
        th = self.theta(phi)
        if self.t == 1 and self.name != "us":
            return np.reshape(th[:1], (1, 1))
        return self.sigma(th)

    def d_sigma_phi(self, phi: np.ndarray) -> np.ndarray:
        """dSigma/dphi_j, shape (n_phi, T, T), by the complex step."""
        phi = np.asarray(phi, dtype=float)
        out = np.empty((phi.size, self.t, self.t))
        for j in range(phi.size):
            z = phi.astype(complex)
            z[j] += 1j * _STEP
            out[j] = self.sigma_phi(z).imag / _STEP
        return out

    def natural(self, phi: np.ndarray) -> np.ndarray:
        """theta in the natural parametrisation of `sigma` (for T = 1 every structure is one variance,
        handled as `us`)."""
        return np.real(self.theta(phi)[: self.n_theta])


def structure(name: str, t: int) -> Structure:
    """The structure `name` for `t` visits; with one visit every structure is a single variance (`us`)."""
    return Structure("us" if t == 1 else name, t)


def _powers(rho, lag: np.ndarray, dtype) -> np.ndarray:
    out = np.ones(lag.shape, dtype=dtype)
    for k in range(1, int(lag.max()) + 1):
        out = np.where(lag == k, rho**k, out)
    return out


def _cs_corr(rho, t: int, dtype) -> np.ndarray:
    return np.eye(t, dtype=dtype) + rho * (np.ones((t, t), dtype=dtype) - np.eye(t, dtype=dtype))


def _cs_rho(z, t: int):
    """A correlation in (-1/(T-1), 1): the range where compound symmetry is positive definite."""
    lo = -1.0 / (t - 1)
    return lo + (1.0 - lo) / (1.0 + np.exp(-z))


def _cs_rho_inverse(rho: float, t: int) -> float:
    lo = -1.0 / (t - 1)
    u = (rho - lo) / (1.0 - lo)
    return float(np.log(u / (1.0 - u)))


def _durbin_levinson(pacf: np.ndarray, dtype) -> np.ndarray:
    """Autocorrelations (1, rho_1, ..., rho_m) of the stationary process with these partial
    autocorrelations (each in (-1, 1)): a positive definite Toeplitz correlation matrix."""
    m = len(pacf)
    rho = np.ones(m + 1, dtype=dtype)
    phi = np.zeros((m + 1, m + 1), dtype=dtype)
    for k in range(1, m + 1):
        phi[k, k] = pacf[k - 1]
        for j in range(1, k):
            phi[k, j] = phi[k - 1, j] - pacf[k - 1] * phi[k - 1, k - j]
        rho[k] = sum(phi[k - 1, j] * rho[k - j] for j in range(1, k)) + pacf[k - 1] * (
            1 - sum(phi[k - 1, j] * rho[j] for j in range(1, k)))
    return rho
