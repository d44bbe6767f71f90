"""The Dask side of sweeps: scheduler addresses, and a local cluster safe by default.

The local cluster of :func:`engramlab.sweep.run_sweep` (``scheduler="local"``):

- **Loopback only.** The scheduler, the nannies and the workers listen on 127.0.0.1.
- **No HTTP server** unless ``dashboard=True``. Dask's scheduler and workers open an
  HTTP server (dashboard, ``/health``, ``/metrics``, the ``/api/v1`` routes) even when
  no dashboard is asked for (``dashboard_address=None`` still binds 8787 on the
  scheduler and a random port on each worker: dask/distributed issues 5634, 7207,
  8136). :class:`QuietScheduler` and :class:`QuietWorker` keep the server object that
  Dask expects but never let it listen.
- **TLS with a temporary certificate** (``Security.temporary()``, which needs the
  ``cryptography`` package): every connection to the scheduler, a nanny or a worker
  must present the certificate that exists only in this process and its workers, so
  another user of the machine cannot submit code to the cluster (an unauthenticated
  Dask scheduler runs any function any client sends it). Without ``cryptography`` the
  cluster falls back to plain TCP on loopback and says so.
- **Quick verdicts on killed workers.** A point whose worker dies twice
  (``allowed_failures=1``; Dask's default is 3) is reported as ``KilledWorker``; each
  worker holds exactly one point (``worker-saturation`` 1.0, one thread), so a dying
  worker takes no other point down with it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import socket
import threading
import typing
from collections.abc import Callable, Iterator
from typing import Any

import dask
from distributed import Client, Nanny, Scheduler, SpecCluster, Worker
from distributed.http.routing import RoutingApplication
from distributed.metrics import time as dask_time
from distributed.node import ServerNode
from tornado.httpserver import HTTPServer

from engramlab.core import ParameterError

__all__ = ["ALLOWED_FAILURES", "QuietScheduler", "QuietWorker", "connect", "executing_ages",
           "local_cluster"]

#: How many times a point may lose its worker on the local cluster and be retried.
ALLOWED_FAILURES = 1
#: Where the opt-in dashboard of the local cluster listens.
DASHBOARD_ADDRESS = "127.0.0.1:8787"


class _HttpOnlyWhenAsked(ServerNode):
    """Dask's ``ServerNode.start_http_server``, listening only for a dashboard address
    (distributed opens one even with ``dashboard_address=None``)."""

    def start_http_server(self, routes: Any, dashboard_address: Any, default_port: int = 0,
                          ssl_options: Any = None) -> None:
        if dashboard_address is not None:
            super().start_http_server(routes, dashboard_address, default_port, ssl_options)
            return
        self.http_application = RoutingApplication(routes)
        self.http_server = HTTPServer(self.http_application)  # never listens


class QuietScheduler(_HttpOnlyWhenAsked, Scheduler):
    """A Dask scheduler whose HTTP server listens only when a dashboard address is given."""



class QuietWorker(_HttpOnlyWhenAsked, Worker):
    """A Dask worker whose HTTP server listens only when a dashboard address is given.

    In its own process (started by a nanny) it ignores SIGINT: a terminal's Ctrl-C
    reaches every process of the group, and the sweep's own process is the one that
    stops the cluster (a worker killed by it mid-point would print a traceback and its
    nanny would not start another).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if (multiprocessing.parent_process() is not None
                and threading.current_thread() is threading.main_thread()):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            worker_log = logging.getLogger("distributed.worker")
            if not any(isinstance(f, _LostHeartbeat) for f in worker_log.filters):
                worker_log.addFilter(_LostHeartbeat())
        super().__init__(*args, **kwargs)


class _LostHeartbeat(logging.Filter):
    """Drop the traceback a worker logs when one heartbeat cannot reach the scheduler.

    When the sweep ends, the scheduler closes and tells its workers to close; a worker
    whose heartbeat was already on its way logs "Failed to communicate with scheduler
    during heartbeat" with the connection's traceback at ERROR (Dask retries the next
    heartbeat; a worker that loses its scheduler for good closes after its own
    timeouts). The sweep's process, the client, is the one that judges whether the
    scheduler is gone: this record is noise on its stderr, so it is dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.getMessage().startswith("Failed to communicate with scheduler "
                                                    "during heartbeat")
                    and record.exc_info is not None
                    and isinstance(record.exc_info[1], OSError))



def _security() -> Any:
    """A temporary TLS certificate for the local cluster, or ``None`` without cryptography."""
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:
        return None


@contextlib.contextmanager
def local_cluster(workers: int, *, dashboard: bool = False, memory_limit: int | str | None = None,
                  note: Callable[[str], None] = lambda _: None) -> Iterator[Client]:
    """A client on a fresh local cluster of ``workers`` one-thread worker processes.

    ``memory_limit`` (e.g. ``"2GiB"``) is each worker's budget; its nanny restarts a
    worker that goes above 95 % of it (Dask's default: the machine's memory divided
    among the workers). See the module docstring for what makes it safe.
    """
    from distributed.worker_memory import parse_memory_limit

    security = _security()
    protocol = "tls" if security is not None else "tcp"
    if security is None:
        note("the local cluster uses plain TCP on 127.0.0.1 (install 'cryptography' for "
             "TLS): other users of this machine could reach it")
    limit = memory_limit if memory_limit is not None else parse_memory_limit(
        "auto", 1, workers, logger=logging.getLogger("distributed.worker_memory"))
    common = {"host": "127.0.0.1", "security": security, "protocol": protocol}
    scheduler = {"cls": QuietScheduler, "options": {
        **common, "port": 0, "dashboard": dashboard,
        "dashboard_address": DASHBOARD_ADDRESS if dashboard else None,
        "allowed_failures": ALLOWED_FAILURES}}
    worker = {"cls": Nanny, "options": {
        **common, "nthreads": 1, "memory_limit": limit, "worker_class": QuietWorker,
        "dashboard": False, "dashboard_address": None, "silence_logs": logging.ERROR}}
    # Read once, when the scheduler starts: one point per worker at a time.
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        cluster = SpecCluster(scheduler=scheduler, workers=dict.fromkeys(range(workers), worker),
                              worker=worker, security=security, silence_logs=logging.ERROR)
    try:
        if dashboard:  # on another port if 8787 is taken
            port = typing.cast(Any, cluster.scheduler).http_server.port  # set by Dask
            note(f"Dask dashboard at http://127.0.0.1:{port}"
                 "/status (plain HTTP: readable by every user of this machine)")
        with Client(cluster, security=security) as client:
            yield client
    finally:
        cluster.close()


def _probe(address: str) -> None:
    """Fail at once (OSError) where nothing listens at a ``tcp://`` / ``tls://`` address.

    Dask's client retries a refused connection until its timeout; this tells a wrong
    address from a slow scheduler in milliseconds.
    """
    host, _, port = address.split("://", 1)[1].rpartition(":")
    with socket.create_connection((host.strip("[]"), int(port)), timeout=10):
        pass


@contextlib.contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client on a running scheduler (its TLS settings from ``distributed.security``)."""
    if address.startswith("tls://") and not (
            dask.config.get("distributed.comm.tls.ca-file", None)
            and dask.config.get("distributed.comm.tls.client.cert", None)):
        raise ParameterError("--scheduler", "a tls:// scheduler needs this client's "
                             "certificate in Dask's settings: distributed.comm.tls.ca-file "
                             "and distributed.comm.tls.client.cert / .key (e.g. "
                             "DASK_DISTRIBUTED__COMM__TLS__CA_FILE)", address)
    try:
        _probe(address)
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:  # TLS set-up errors too
        raise ParameterError("--scheduler", f"cannot reach a Dask scheduler at {address} "
                             f"({type(exc).__name__}: {exc})") from None
    try:
        yield client
    finally:
        client.close()


def executing_ages(dask_worker: Worker) -> dict[str, float]:
    """Run on a worker (``Client.run``): seconds each executing task has run, by key."""
    now = dask_time()  # the clock of ``TaskState.start_time``
    return {str(ts.key): now - ts.start_time for ts in dask_worker.state.executing
            if ts.start_time is not None}
