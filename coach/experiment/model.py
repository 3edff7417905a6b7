"""The experiment's model: cramp counts per night, negative binomial, with a time trend and
the pair of periods as a block. Imported only when a result is computed (scipy is heavy).

    count ~ NegBin(mean = exp(a + b*stretch + c*weeks/4 + pair effect), size = exp(s))

Weakly informative normal priors keep a short diary from running away: b ~ N(0, 1) (the
rate ratio within 1/7 to 7 either way), c ~ N(0, 1), pair effects ~ N(0, 1), a ~ N(-1, 2),
s ~ N(0, 1.5). The posterior of b is the Laplace approximation at the joint mode: a
normal with the mode as mean and the curvature from the Hessian (scipy.optimize finds the
mode; the Hessian is the central difference of the exact gradient).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize, special

from coach.experiment.estimate import Estimate

PRIOR_SD_EFFECT = 1.0
PRIOR_SD_TREND = 1.0
PRIOR_SD_PAIR = 1.0
PRIOR_MEAN_LEVEL, PRIOR_SD_LEVEL = -1.0, 2.0
PRIOR_SD_LOG_SIZE = 1.5


def fit_rate_ratio(
    counts: Sequence[int],
    stretch: Sequence[bool],
    months: Sequence[float],
    pairs: Sequence[int],
) -> Estimate | None:
    """The posterior of log(rate on stretch nights / rate on no-stretch nights).

    `months`: each night's time from the first randomised night, in 4-week units; `pairs`:
    each night's pair index. None if the fit fails (too few nights to say anything).
    """
    y = np.asarray(counts, dtype=float)
    n_pairs = max(pairs) + 1 if len(pairs) else 1
    # Design: level, effect, trend, then one column per pair after the first.
    x = np.zeros((len(y), 3 + n_pairs - 1))
    x[:, 0] = 1.0
    x[:, 1] = np.asarray(stretch, dtype=float)
    t = np.asarray(months, dtype=float)
    x[:, 2] = t - t.mean() if len(t) else t
    for row, pair in enumerate(pairs):
        if pair > 0:
            x[row, 2 + pair] = 1.0
    prior_mean = np.zeros(x.shape[1] + 1)
    prior_mean[0] = PRIOR_MEAN_LEVEL
    prior_sd = np.full(x.shape[1] + 1, PRIOR_SD_PAIR)
    prior_sd[0], prior_sd[1], prior_sd[2] = PRIOR_SD_LEVEL, PRIOR_SD_EFFECT, PRIOR_SD_TREND
    prior_sd[-1] = PRIOR_SD_LOG_SIZE
    const = special.gammaln(y + 1)

    def neg_log_post(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, log_size = theta[:-1], theta[-1]
        eta = np.clip(x @ beta, -30, 30)
        mu = np.exp(eta)
        k = np.exp(np.clip(log_size, -10, 10))
        log_k_mu = np.logaddexp(log_size, eta)  # log(k + mu)
        ll = (
            special.gammaln(y + k)
            - special.gammaln(k)
            - const
            + k * (log_size - log_k_mu)
            + y * (eta - log_k_mu)
        )
        resid = (theta - prior_mean) / prior_sd
        value = -ll.sum() + 0.5 * float(resid @ resid)
        frac = k / (k + mu)
        d_eta = (y - mu) * frac
        d_size = k * (
            special.digamma(y + k)
            - special.digamma(k)
            + log_size
            - log_k_mu
            + 1
            - (y + k) / (k + mu)
        )
        grad = np.empty_like(theta)
        grad[:-1] = -(x.T @ d_eta)
        grad[-1] = -d_size.sum()
        grad += resid / prior_sd
        return float(value), grad

    start = prior_mean.copy()
    start[0] = np.log(max(float(y.mean()), 0.05)) if len(y) else PRIOR_MEAN_LEVEL
    found = optimize.minimize(neg_log_post, start, jac=True, method="BFGS", options={"gtol": 1e-6})
    if not np.all(np.isfinite(found.x)):
        return None
    theta = found.x
    step = 1e-4
    hessian = np.empty((len(theta), len(theta)))
    for j in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[j] += step
        down[j] -= step
        hessian[:, j] = (neg_log_post(up)[1] - neg_log_post(down)[1]) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return None
    variance = float(covariance[1, 1])
    if not np.isfinite(variance) or variance <= 0:
        return None
    return Estimate(log_ratio=float(theta[1]), sd=float(np.sqrt(variance)))
