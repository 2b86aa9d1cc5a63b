"""Process-wide guards: nothing careerkg parses or evaluates may reach out of the box.

* rdflib evaluates ``FROM <file:...>`` / ``FROM <http://...>`` by loading the document
  (``SPARQL_LOAD_GRAPHS``, on by default): turned off.
* rdflib's JSON-LD parser fetches remote ``@context`` documents, and its SPARQL engine runs
  ``SERVICE``: the audit hook below refuses every outgoing connection and URL open that is
  not to an allowed host, so even a path nobody thought of cannot open one.  (Oxigraph
  refuses remote JSON-LD contexts on its own; its SERVICE client is native code that audit
  hooks do not see — which is why query workers run in an empty network namespace, see
  :mod:`careerkg.graph.executor`, and why SERVICE is refused before evaluation.)

``lock_down()`` is called by ``careerkg serve`` in the app process.  Audit hooks cannot be
removed, so it is not called on import.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys

__all__ = ["disable_rdflib_fetching", "lock_down", "NetworkRefused"]

_installed = False
_allowed_hosts: set[str] = set()


class NetworkRefused(PermissionError):
    """An outgoing connection careerkg does not allow."""


def disable_rdflib_fetching() -> None:
    """Make rdflib treat FROM / FROM NAMED as graph names, never as documents to load."""
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False


def _is_allowed(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    if host in _allowed_hosts:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_allowed(address[0]):
            raise NetworkRefused(f"careerkg does not connect to {address[0]}")
    elif event == "urllib.Request":
        url = str(args[0])
        if not url.startswith(("http://127.", "http://localhost", "http://[::1]")) and not any(
            f"://{host}" in url for host in _allowed_hosts
        ):
            raise NetworkRefused(f"careerkg does not open {url}")


def lock_down(allowed_hosts: list[str] | tuple[str, ...] = ()) -> None:
    """Disable rdflib's fetching and refuse outgoing connections except to loopback and
    ``allowed_hosts`` (the host of a remote store, when one is configured).

    Examples
    --------
    >>> lock_down()  # doctest: +SKIP
    >>> import urllib.request; urllib.request.urlopen("http://example.org/")  # doctest: +SKIP
    Traceback (most recent call last):
    careerkg.graph.sandbox.NetworkRefused: careerkg does not open http://example.org/
    """
    global _installed
    disable_rdflib_fetching()
    for host in allowed_hosts:
        _allowed_hosts.add(host)
        with contextlib.suppress(OSError):  # connections go to addresses: allow those too
            _allowed_hosts.update(info[4][0] for info in socket.getaddrinfo(host, None))
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
