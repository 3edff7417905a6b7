"""The personal experiment (an n-of-1 trial): its protocol and plan, the looks and the
analysis, and the statistical model. scipy loads only when a model is fitted."""
