# The Celery application: tasks travel through RabbitMQ; a worker writes each result into the
# jobs table, where the web app reads it.
import os
import socket

from celery import Celery

from db import query

app = Celery("tasks", broker=os.environ["CELERY_BROKER_URL"])
app.conf.task_ignore_result = True
# A worker takes one task at a time, so that tasks spread over the replicas.
app.conf.worker_prefetch_multiplier = 1


@app.task
def add(job_id, x, y):
    query("UPDATE jobs SET result = %s, worker = %s WHERE id = %s", (x + y, socket.gethostname(), job_id))
