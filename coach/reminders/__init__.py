"""Reminders: when each step is due (rules), the scheduler that fires them (service), the
host that sends them from the app or the daemon, the daemon itself, and the calendar export."""
