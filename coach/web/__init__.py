"""coach in a browser: a local web server that runs the app, one process per browser tab."""
