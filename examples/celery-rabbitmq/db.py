# One short-lived PostgreSQL connection per call, shared by the web app and the workers.
import os
from contextlib import closing

import psycopg2


def query(sql, args=(), fetch=False):
    # `with conn` commits (or rolls back); closing() also hands the connection back.
    with closing(psycopg2.connect(os.environ["DATABASE_URL"])) as conn, conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall() if fetch else None
