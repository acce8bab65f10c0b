"""How the lab is served: marimo's ASGI API, one app per page, run by uvicorn on a socket we bind ourselves.

Each page (home.py, glossary.py, lessons/NN_slug.py) is mounted at its own address (see `kaibo.lab.path`):
`/`, `/glossary/`, `/gradient_descent/`. Why this and not `marimo run <folder>`:

- `marimo run <folder>` answers `/` with marimo's gallery, whose cards drop every query parameter, so the
  language a learner chose is lost on the way to a lesson (LAB-NOTES). Here `/` *is* our home page, and every
  address is ours: short, stable, and built by one helper (`lesson_url`).
- `create_asgi_app(html_head=…)` puts our small style sheet and script (`kaibo.lab.head`) into every page:
  that is what keeps the controls across a language switch and remembers finished lessons in localStorage,
  with nothing fetched from outside.
- We bind the socket before anything is printed: a taken or forbidden port becomes a clear, translated
  `LabError` instead of a traceback from inside another program, and "any free port" has no race.
- Measured on the 2-core test machine with the same two notebooks served both ways: a page is ready in
  2–4 s either way (the mounted apps load their assets once per address, then from the browser's cache);
  one process, ~100 MB with two sessions open.

Ports: localStorage belongs to an origin, and the origin includes the port, so a lab that moved to a new
random port each time would forget which lessons were finished. Without `--port` the lab therefore takes
`PREFERRED_PORT` when it is free and any free port otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import mimetypes
import os
import socket
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from kaibo.errors import InputError, LabError
from kaibo.lab import head
from kaibo.lab.path import page_file, pages, route

if TYPE_CHECKING:
    from starlette.types import ASGIApp

PREFERRED_PORT = 8150
LOOPBACK = "127.0.0.1"


def parse_port(text: str | None) -> int | None:
    """The port the user typed, checked (None: let the lab choose one)."""
    if text is None:
        return None
    try:
        port = int(text.strip())
    except ValueError:
        raise InputError("error.port_invalid", port=text) from None
    if not 1 <= port <= 65535:
        raise InputError("error.port_invalid", port=text)
    return port


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach: 127.x.x.x, ::1 and localhost."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything, so it counts as remote
        return False


def check_host(host: str, allow_remote: bool) -> bool:
    """Refuse an address reachable from other machines unless the user allowed it; True if it is remote."""
    if is_loopback(host):
        return False
    if not allow_remote:
        raise LabError("error.host_refused", host=host)
    return True


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on host:port; without a port, `PREFERRED_PORT` if free, else any free port."""
    if port is not None:
        return _listen(host, port)
    try:
        return _listen(host, PREFERRED_PORT)
    except LabError as error:
        if error.key != "error.port_taken":
            raise
        return _listen(host, 0)


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise LabError("error.host_unavailable", host=host, reason=error.strerror) from None
    sock = socket.socket(family, kind, proto)
    if os.name != "nt":  # restart at once on the same port; on Windows this flag would allow port stealing
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)  # connections queue from now on, so the address can be printed and opened at once
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise LabError("error.port_taken", port=port) from None
        if error.errno == errno.EACCES:
            raise LabError("error.port_denied", port=port) from None
        raise LabError("error.host_unavailable", host=host, reason=error.strerror) from None
    return sock


def base_url(sock: socket.socket) -> str:
    """http://host:port of a bound socket; an any-address (0.0.0.0, ::) is shown as this computer's own."""
    host, port = sock.getsockname()[:2]
    if ipaddress.ip_address(host).is_unspecified:
        host = LOOPBACK if sock.family == socket.AF_INET else "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def build_app() -> ASGIApp:
    """Every page of the lab mounted at its address, with our head in each."""
    try:
        import marimo
    except ImportError as error:
        raise LabError("error.lab_missing", package=error.name or "marimo") from None
    from starlette.routing import Mount

    builder = marimo.create_asgi_app(quiet=True, html_head=head.HTML)
    for slug in pages():
        builder = builder.with_app(path=route(slug) or "/", root=str(page_file(slug)))
    app = builder.build()
    # marimo runs its per-page start-up and clean-up only for a page served alone; mounted here, they
    # never start, so the lab does the two that matter itself (without the clean-up, Ctrl+C would wait for
    # every open page's session to time out).
    managers = [route.app.state.session_manager for route in app.routes if isinstance(route, Mount)]
    app.router.lifespan_context = functools.partial(_lifespan, managers)
    return app


@contextlib.asynccontextmanager
async def _lifespan(managers: list, _app: object) -> AsyncIterator[None]:
    # Windows' registry can map .js to text/plain, and browsers refuse such a module script.
    for mime, suffix in (("application/javascript", ".js"), ("text/css", ".css"), ("image/svg+xml", ".svg")):
        mimetypes.add_type(mime, suffix)
    yield
    for manager in managers:
        await manager.shutdown()


def serve(app: ASGIApp, sock: socket.socket) -> None:
    """Answer requests on `sock` until Ctrl+C (or SIGTERM)."""
    import uvicorn

    # Open pages keep a websocket each: give them two seconds to close instead of waiting for the browser.
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
    # uvicorn shuts down cleanly on Ctrl+C, then passes the interrupt on; stopping is what the user asked for.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
