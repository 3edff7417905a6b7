"""The desktop around coach: notifications, voice and sound, wake-ups after sleep, autostart
at login, and the checks `coach doctor` runs on them."""
