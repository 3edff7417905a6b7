"""The command line: the parser and one module per command. The composition root: it alone
may import `screens` (lazily, to start the app) and the reminder daemon."""
