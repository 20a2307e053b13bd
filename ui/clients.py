"""Who is asking: the logged-in user, else the client address, as the server alone can tell.

Contract (read by `ui.guard` for every request, and by `ui.fair` for queued events):

    user_of(app, cookies) -> str | None         the user Gradio's login cookie names, or None
    client_address(peer, headers, trusted) -> str
        the peer's address; only when the peer is one of `trusted` (HJEMMEL_TRUSTED_PROXY) the
        right-most X-Forwarded-For entry that is not itself a trusted proxy
    client_key(user, address) -> str            «user:kari», else «addr:10.0.0.7»
    event_key(event, trusted) -> str            the same for an event in Gradio's queue

Every limit (rate, queue share, login slow-down) is keyed on `client_key`: a session id, a
cookie the client invents or a forwarded header from an untrusted peer never changes it. It
deliberately decides nothing itself: rights are `ui.rights`', limits `ui.fair`'s.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable, Mapping
from typing import Any

FORWARDED_FOR = "x-forwarded-for"


def parse_trusted(raw: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Proxy addresses or networks («127.0.0.1», «10.0.0.0/8»); unreadable entries raise
    ValueError naming them."""
    out = []
    for entry in raw:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(
                f"HJEMMEL_TRUSTED_PROXY: «{entry}» er ikke en IP-adresse eller et nett."
            ) from exc
    return tuple(out)


def _is_trusted(address: str, trusted: Collection[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def client_address(peer: str, headers: Mapping[str, str], trusted: Collection[Any]) -> str:
    """The client's address (see the module docstring)."""
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in headers.get(FORWARDED_FOR, "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def user_of(app: Any, cookies: Mapping[str, str]) -> str | None:
    """The user the login cookie names (Gradio's own token table), or None."""
    tokens = getattr(app, "tokens", None)
    cookie_id = getattr(app, "cookie_id", None)
    if not tokens or cookie_id is None:
        return None
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    user = tokens.get(token) if token else None
    return str(user) if user else None


def client_key(user: str | None, address: str) -> str:
    return f"user:{user}" if user else f"addr:{address}"


def event_key(event: Any, trusted: Collection[Any]) -> str:
    """The client key of an event in Gradio's queue (from the request that queued it)."""
    request = getattr(event, "request", None)
    peer = getattr(getattr(request, "client", None), "host", "") or "?"
    headers = getattr(request, "headers", None) or {}
    return client_key(getattr(event, "username", None), client_address(peer, headers, trusted))


def headers_of(scope: Mapping[str, Any]) -> dict[str, str]:
    """An ASGI scope's headers as a lower-case dict (the last of repeated headers wins, but
    X-Forwarded-For entries are joined as proxies append them)."""
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        if name == FORWARDED_FOR and name in out:
            out[name] = f"{out[name]}, {text}"
        else:
            out[name] = text
    return out


def cookies_of(headers: Mapping[str, str]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header names no user
        return {}
    return {k: m.value for k, m in jar.items()}
