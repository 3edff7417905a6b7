"""Fakes and builders shared by the tests (no tests here)."""

from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
"""The time zone of the test config (tests/conftest.py's coach_home)."""
