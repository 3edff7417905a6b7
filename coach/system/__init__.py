"""The operating system underneath: crash-safe files, locks, the log file and the paths of
a data folder."""
