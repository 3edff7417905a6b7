"""coach: a bedtime coach for night-time leg cramps. The core knows nothing of Textual."""

__version__ = "0.1.0"
