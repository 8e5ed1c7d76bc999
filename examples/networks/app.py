# Counts visits in PostgreSQL, which it reaches by the service name `db` on the internal network.
import os
import socket
from contextlib import closing

import psycopg2
from flask import Flask

app = Flask(__name__)


def query(sql, fetch=True):
    # `with conn` commits (or rolls back); closing() also hands the connection back.
    with closing(psycopg2.connect(os.environ["DATABASE_URL"])) as conn, conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone() if fetch else None


@app.get("/")
def index():
    (visits,) = query("INSERT INTO visits DEFAULT VALUES RETURNING id")
    (version,) = query("SHOW server_version")
    return f"app {socket.gethostname()} on the backend network; db is PostgreSQL {version}; visit {visits}\n"


@app.get("/health")
def health():
    query("SELECT 1")
    return "ok\n"


if __name__ == "__main__":
    query("CREATE TABLE IF NOT EXISTS visits (id serial PRIMARY KEY)", fetch=False)
    app.run(host="0.0.0.0", port=5000)
