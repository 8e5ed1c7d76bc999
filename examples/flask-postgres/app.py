# A notes service on PostgreSQL: POST /notes stores the request body, GET /notes lists what is
# stored. The notes live in the db service's named volume, so they outlive `down` and `up`.
import os
import time
from contextlib import closing

import psycopg2
from flask import Flask, request

app = Flask(__name__)
DATABASE_URL = os.environ["DATABASE_URL"]


def connect():
    # The db is healthy before web starts (depends_on), but a restart of db should not kill web.
    for attempt in range(30):
        try:
            return psycopg2.connect(DATABASE_URL)
        except psycopg2.OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)


def query(sql, args=(), fetch=False):
    # `with conn` commits (or rolls back); closing() also hands the connection back.
    with closing(connect()) as conn, conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall() if fetch else None


@app.post("/notes")
def add_note():
    text = request.get_data(as_text=True).strip()
    query("INSERT INTO notes (text) VALUES (%s)", (text,))
    return f"stored: {text}\n", 201


@app.get("/notes")
def list_notes():
    return "".join(f"{n}. {text}\n" for n, text in query("SELECT id, text FROM notes ORDER BY id", fetch=True))


@app.get("/")
def index():
    (count,) = query("SELECT count(*) FROM notes", fetch=True)[0]
    return f"Flask + PostgreSQL: {count} notes stored.\n"


@app.get("/health")
def health():
    query("SELECT 1")
    return "ok\n"


if __name__ == "__main__":
    query("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, text text NOT NULL)")
    app.run(host="0.0.0.0", port=5000)
