"""gunicorn settings, read from the environment (the top-level gunicorn.conf.py loads this)."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# gthread: I/O-bound requests (database round trips) share a worker's threads
worker_class = "gthread"
# the CPUs this process may use (a container's share), not the host's count
workers = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0)) * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# ingest of a long article runs the whole pipeline inside the request
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# recycle workers now and then so a slow leak cannot grow without bound
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# heartbeat files in RAM, not on a possibly slow container disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# load the app (grammar, gazetteers) once in the master; workers share it copy-on-write
preload_app = True
# X-Forwarded-* are honoured only from these addresses (comma-separated)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens an admin socket (worker count, reload, shutdown) in $HOME/.gunicorn
# by default: nothing here uses it, every gunicorn of a user shares the one path, and the
# image's user cannot write its home (an error line at every start)
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def when_ready(server):
    # build the gazetteers and compile the grammar once, in the master, before the workers
    # fork: they share the memory copy-on-write and no request pays for the build
    import gc

    from timeline_api.app import warm_up

    warm_up()
    # what the master built is kept for good: out of the collector's sight, so that a
    # worker's collections do not write to (and so copy) every page the workers share
    gc.freeze()


def post_fork(server, worker):
    # connections opened in the master must not be shared with the workers
    from timeline_api.store.db import dispose_all

    dispose_all()
