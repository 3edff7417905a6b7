"""Settings: the frozen model of config.toml, how it is read and checked, and how one key is
changed."""
