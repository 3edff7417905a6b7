"""Unit tests: the core and plain functions, in process, with fakes where a real part is slow."""
