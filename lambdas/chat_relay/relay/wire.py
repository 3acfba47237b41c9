"""HTTP POST over connections kept open between invocations, one per endpoint (TLS handshakes
cost more CPU than the relay's own work per event). A connection the far end closed while idle
is replaced once: the request never reached the server."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

_connections: dict[tuple[str, str], http.client.HTTPConnection] = {}
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, http.client.CannotSendRequest)


def post(url: str, headers: dict[str, str], body: bytes, timeout: float, max_body: int = 65536) -> tuple[int, dict[str, str], bytes]:
    """Status, lower-cased headers and (up to ``max_body`` bytes of) body; raises ``OSError``
    or ``http.client.HTTPException`` when there is no answer."""
    parts = urlsplit(url)
    key = (parts.scheme, parts.netloc)
    target = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
    for attempt in (1, 2):
        connection = _connections.get(key)
        fresh = connection is None
        if fresh:
            factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connection = _connections[key] = factory(parts.netloc, timeout=timeout)
        try:
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read(max_body)
            if not response.isclosed():  # more than we keep: drop the connection rather than read it all
                _drop(key, connection)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        except _STALE:
            _drop(key, connection)
            if fresh or attempt == 2:
                raise
        except (OSError, http.client.HTTPException):
            _drop(key, connection)
            raise
    raise ConnectionError("unreachable")  # pragma: no cover


def _drop(key: tuple[str, str], connection: http.client.HTTPConnection) -> None:
    connection.close()
    _connections.pop(key, None)
