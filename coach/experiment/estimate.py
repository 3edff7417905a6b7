"""The experiment's estimate: the rate ratio (stretch nights over no-stretch nights) as a
posterior on its log, a Student t with `df` degrees of freedom (a normal when `df` is
infinite: answers stored before the pair model). scipy loads only when a probability or
an interval is asked for."""

from __future__ import annotations

import math
from typing import NamedTuple

Z95 = 1.959964


class Estimate(NamedTuple):
    """The model's answer: the log rate ratio's centre, its scale and degrees of freedom."""

    log_ratio: float
    sd: float
    df: float = math.inf

    @property
    def ratio(self) -> float:
        return math.exp(self.log_ratio)

    def quantile(self, p: float) -> float:
        """The `p` quantile of the log rate ratio."""
        if math.isinf(self.df):
            from statistics import NormalDist

            return self.log_ratio + self.sd * NormalDist().inv_cdf(p)
        from scipy import special

        return self.log_ratio + self.sd * float(special.stdtrit(self.df, p))

    def interval(self) -> tuple[float, float]:
        """The 95% interval of the rate ratio."""
        return (math.exp(self.quantile(0.025)), math.exp(self.quantile(0.975)))

    def prob_below(self, ratio: float) -> float:
        """Posterior chance that the rate ratio is below `ratio`."""
        z = (math.log(ratio) - self.log_ratio) / self.sd
        if math.isinf(self.df):
            return 0.5 * math.erfc(-z / math.sqrt(2))
        from scipy import special

        return float(special.stdtr(self.df, z))
