"""Safety: the red-flag rules of CONTENT.md, the flags raised and acknowledged, the reading of
free-text notes, and the medicines linked to cramps."""
