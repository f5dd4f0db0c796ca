"""gunicorn's configuration for production (the container image and `make prod-smoke`).

Every value comes from the environment, so the same file serves a small home server and a bigger
one: GUNICORN_WORKERS processes with GUNICORN_THREADS threads each, a request that takes longer
than GUNICORN_TIMEOUT seconds restarts its worker. Logs go to standard output as JSON lines, like
the application's own; the application logs each request itself (with its request id), so
gunicorn's access log stays off.
"""

import gc
import os

bind = f"{os.environ.get('GUNICORN_BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory rather than on the container's overlay file system.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: it would be written to the home folder, outside the data folders.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "spends_tracker.observability.RedactSecretsFilter"}},
    "formatters": {"json": {"()": "spends_tracker.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["redact"],
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
    },
}


# Python's cyclic garbage collector ran every 700 container objects allocated: 180 times in 200
# lists of purchases, one full collection of the whole heap (Django, the app, their modules) every
# hundred or so requests; 1.2 ms a request for a search and 1.3 ms for the expiring warranties
# (docs/performance.md, "The interpreter"). Objects that live as long as the worker are moved out
# of the collector's sight once the app is loaded, and the youngest generation is collected
# every GC_THRESHOLD allocations: requests free almost everything by reference counting, so the
# collector only ever finds the rare cycle.
GC_THRESHOLD = int(os.environ.get("GUNICORN_GC_THRESHOLD", "10000"))


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
