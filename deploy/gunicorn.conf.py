"""gunicorn configuration for yiwang: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be changed from the environment, so one file serves the local
production-like stack (``make prod-local``) and real deployments. See
docs/deployment.md.

    GUNICORN_WORKERS   worker processes (default: WEB_CONCURRENCY, else 2 × cores + 1)
    GUNICORN_THREADS   threads per worker (default 1: sync workers)
    GUNICORN_BIND      address to listen on (default 127.0.0.1:$PORT, PORT defaults to 8000)
    GUNICORN_TIMEOUT   seconds before a silent worker is killed and replaced (default 30)
    GUNICORN_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1,::1)
"""

import multiprocessing
import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# The application: src/ holds the yiwang package.
wsgi_app = "yiwang.wsgi:application"
pythonpath = str(_ROOT / "src")
chdir = str(_ROOT)

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"

# Sync workers: each request gets a process. Django's views are synchronous and
# the database is the bottleneck, so processes (not threads) are the simple,
# robust default. 2 × cores + 1 is gunicorn's own rule of thumb.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Recycle workers now and then so a slow leak never takes a server down; the
# jitter keeps them from all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The reverse proxy (nginx) sets X-Forwarded-Proto; only trust it from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr: systemd's journal or the container runtime keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Heartbeat files in memory, not on a (possibly slow, possibly read-only) disk.
# gunicorn creates them with mkstemp, so a shared directory is safe.
_SHM = "/dev/shm"  # noqa: S108
if Path(_SHM).is_dir():
    worker_tmp_dir = _SHM

# gunicorn >= 25 opens a control socket (for gunicornc); keep it per installation
# so two instances on one machine do not fight over ~/.gunicorn/gunicorn.ctl.
# Older versions ignore the unknown setting.
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET",
    str(Path(os.environ.get("YIWANG_VAR_DIR") or _ROOT / "var") / "gunicorn.ctl"),
)
