"""The experiment model's answer, on its own so that the model (scipy) and the protocol that
calls it both import it without importing each other."""

from __future__ import annotations

import math
from typing import NamedTuple


class Estimate(NamedTuple):
    """The model's answer: the rate ratio (stretch over no-stretch) and its spread."""

    log_ratio: float
    sd: float

    @property
    def ratio(self) -> float:
        return math.exp(self.log_ratio)

    def interval(self) -> tuple[float, float]:
        return (
            math.exp(self.log_ratio - 1.959964 * self.sd),
            math.exp(self.log_ratio + 1.959964 * self.sd),
        )

    def prob_below(self, ratio: float) -> float:
        """Posterior chance that the rate ratio is below `ratio`."""
        z = (math.log(ratio) - self.log_ratio) / self.sd
        return 0.5 * math.erfc(-z / math.sqrt(2))
