"""gunicorn's settings for Deal Conversations: `gunicorn deal.wsgi -c deal/gunicorn.conf.py`.

Threaded workers (gthread): while one thread hashes a password at sign-in
(Argon2id, deal/hashers.py, whose C code lets the other threads run) or
waits on the database, the worker's other threads keep serving pages, so a
burst of sign-ins at 9 in the morning does not queue every page behind it as
sync workers do. Django's ORM and psycopg2 are thread-safe (one connection
per thread). One process per core keeps memory low (each well under 150 MB);
the threads cover waiting on the database. Each worker imports the views and
compiles the templates before it takes requests, then leaves what it loaded
out of full garbage collections (deal/warm.py). See README,
"Performance".
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker answering nothing for this long is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Replace workers now and then so that memory stays bounded over weeks.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker) -> None:
    """Before the worker takes requests: the first staff to reach it should
    not wait while it imports views and compiles templates. A failure here
    is logged and the worker serves on: gunicorn stops the whole server when
    this hook raises, and a template that will not compile should break its
    own page, not every page."""
    from deal.warm import settle, warm_up

    try:
        warm_up()
    except Exception:
        worker.log.exception("Warming up the worker failed; it serves without it")
    settle()
