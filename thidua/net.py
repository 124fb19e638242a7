"""Who is at the other end: the client's address, seen through the reverse proxies we trust.

Behind nginx every request comes from the proxy (``REMOTE_ADDR``); the client's own address is in
``X-Forwarded-For``, which each proxy extends with the address it received the request from
(``$proxy_add_x_forwarded_for``). Anyone can send that header, so it is read only when the request
comes from a proxy listed in ``THIDUA_TRUSTED_PROXIES`` (addresses or networks), and then from the
right: hops appended by our trusted proxies are skipped, the first address that is not one of them
is the client (what a client wrote further left is ignored). With no trusted proxy configured, or a
request that did not come through one, the address is ``REMOTE_ADDR``.

:func:`client_ip` is the one place that decides it: the login lockout (django-axes,
``AXES_CLIENT_IP_CALLABLE``), the request middleware that hands it to gunicorn's access log, and the
app's own log lines (:class:`ClientAddressFilter`, ``LOGGING``) use it.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The resolved address, kept in the request's WSGI environ: gunicorn's access log reads it from there
# (`%({thidua_client_ip}e)s`, see gunicorn.conf.py). Clients cannot set environ keys, only HTTP_*.
ENVIRON_KEY = "THIDUA_CLIENT_IP"
# The address of the request being answered, for what has no request at hand (log records).
_current: ContextVar[str | None] = ContextVar("thidua_client_ip", default=None)


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``10.0.0.5``, ``10.0.0.0/24``, ``::1`` … as networks; anything else is a configuration error."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"THIDUA_TRUSTED_PROXIES: {text!r} is not an address or network"
            ) from exc
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(tuple(getattr(settings, "THIDUA_TRUSTED_PROXIES", ()) or ()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: Iterable[Network]
) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def resolve(remote_addr: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The client's address from the connection's peer and the X-Forwarded-For it sent."""
    peer = _address(remote_addr)
    if peer is None or not proxies or not _trusted(peer, proxies) or not forwarded_for.strip():
        return str(peer) if peer is not None else remote_addr
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: trust nothing to its left
        client = address
        if not _trusted(address, proxies):
            break  # the first hop our proxies did not add is the client
    return str(client)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (see the module's docstring)."""
    meta = request.META
    known = meta.get(ENVIRON_KEY)
    if known is None:
        known = resolve(
            str(meta.get("REMOTE_ADDR") or ""),
            str(meta.get("HTTP_X_FORWARDED_FOR") or ""),
            trusted_proxies(),
        )
        meta[ENVIRON_KEY] = known
    return known


class ClientAddress:
    """Resolves the client's address once, first thing, so the access log has it for every request
    the app answers (a static file, an error page, a lockout) and everything after reads the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def current_client_ip() -> str | None:
    """The client's address of the request this thread is answering, None outside a request."""
    return _current.get()


class ClientAddressFilter(logging.Filter):
    """Gives every log record a ``client_ip`` (``-`` outside a request), for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "client_ip", None):
            # django.request logs an error answer after the middleware has returned, with the request
            request = getattr(record, "request", None)
            known = client_ip(request) if isinstance(request, HttpRequest) else None
            record.client_ip = known or current_client_ip() or "-"
        return True
