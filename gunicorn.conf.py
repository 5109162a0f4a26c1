"""gunicorn settings for production: `gunicorn tongcheng.wsgi` (docs/deploy.md).

Everything can be overridden from the environment; the defaults suit one small VM behind a
reverse proxy. The access log is off: the application writes its own JSON line per request
(tongcheng.access: method, route name, status, duration, user id), which carries no path, query
string or other personal data. gunicorn's own access log would print full URLs.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", os.environ.get("BIND", "127.0.0.1:8000"))
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Each worker serves GUNICORN_THREADS requests at once: while one waits on PostgreSQL (a query,
# a commit's flush to disk) another runs, and commits that wait together share one flush. The
# phone platform's burst of tickets is what needs it (docs/performance.md).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A slow request is killed after this many seconds (Excel imports run as commands, not requests).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, with jitter, so slow memory growth never accumulates.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application once in the master: a misconfiguration (missing secret) stops startup.
preload_app = True

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

# The reverse proxy is the only client; it sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and
# X-Forwarded-For (read per TRUSTED_PROXY_HOPS). Only trust these headers from the proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Limits on the request line and headers (defaults are generous); uploads stream in the body.
limit_request_line = 8190
limit_request_fields = 100


def when_ready(server: object) -> None:
    """Move everything the master loaded (preload_app: Django, the URLconf, every view) out of
    the garbage collector's sight before the workers fork: a full collection then walks only
    what a request made, not the few hundred thousand objects that live as long as the worker."""
    gc.freeze()
