# POST /add?x=2&y=3 records a job and queues it for the workers; GET /jobs/<id> shows its result
# once a worker has computed it.
from flask import Flask, request

from db import query
from tasks import add

app = Flask(__name__)


@app.post("/add")
def queue_add():
    x, y = int(request.args["x"]), int(request.args["y"])
    ((job_id,),) = query("INSERT INTO jobs (x, y) VALUES (%s, %s) RETURNING id", (x, y), fetch=True)
    add.delay(job_id, x, y)
    return f"job {job_id} queued\n", 202


@app.get("/jobs/<int:job_id>")
def show_job(job_id):
    rows = query("SELECT x, y, result, worker FROM jobs WHERE id = %s", (job_id,), fetch=True)
    if not rows:
        return f"no job {job_id}\n", 404
    x, y, result, worker = rows[0]
    if result is None:
        return f"job {job_id}: {x} + {y} = pending\n"
    return f"job {job_id}: {x} + {y} = {result} (by {worker})\n"


@app.get("/health")
def health():
    query("SELECT 1")
    return "ok\n"


if __name__ == "__main__":
    query("CREATE TABLE IF NOT EXISTS jobs (id serial PRIMARY KEY, x int NOT NULL, y int NOT NULL, result int, worker text)")
    app.run(host="0.0.0.0", port=5000)
