"""Pilot tests: the Textual app driven by key presses, its store read back after each flow."""
