"""The records on disk: the store and its record types, their schema, the month files and
their TinyDB storage, the write order, and the daily backups."""
