# Says which configuration it runs with: DEBUG and LOG_LEVEL come from the Compose files, so dev
# (compose.override.yaml) and prod (compose.prod.yaml) answer differently.
import logging
import os
import socket

from flask import Flask

DEBUG = os.environ.get("DEBUG", "false") == "true"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "info")

app = Flask(__name__)
logging.basicConfig(level=LOG_LEVEL.upper())


@app.get("/")
def index():
    return f"debug={'on' if DEBUG else 'off'} log_level={LOG_LEVEL} served by {socket.gethostname()}\n"


@app.get("/health")
def health():
    return "ok\n"


if __name__ == "__main__":
    # Debug mode reloads on edits of the bind-mounted source (dev only: it also enables the debugger).
    app.run(host="0.0.0.0", port=5000, debug=DEBUG)
