"""End-to-end tests: real processes, a real notification server, sound server and packaging."""
