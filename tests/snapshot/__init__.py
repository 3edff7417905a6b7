"""SVG snapshot tests at 80x24 and 120x40; the SVGs sit in __snapshots__/<module>/."""
