"""Which Host and Origin a request may carry, and the response headers that follow from it.

Contract (used by `ui.guard` on every HTTP request):

    HostPolicy.build(bound_host, allowed_hosts)   the bound address, localhost (127.0.0.1,
        localhost, ::1) and the entries of HJEMMEL_ALLOWED_HOSTS: a plain entry is a host name,
        an entry with «://» («https://hjemmel.example») an origin allowed cross-origin, whose
        host name is then allowed too
    policy.host_ok(host_header) -> bool           the Host's name (port ignored) is allowed
    policy.origin_ok(origin, host_header) -> bool no Origin, the same origin as the (allowed)
        Host, or a listed origin; never «null», never another port on localhost
    policy.cors_headers(origin, host_header) -> list[(name, value)]
        Access-Control-Allow-Origin for a listed cross-origin request only, without credentials
    response_headers(headers, cors) -> headers    strips every Access-Control-* header Gradio set,
        adds `cors`, and makes every cookie SameSite=Lax (Gradio's login cookie says «none»)

A DNS-rebinding page reaches the server with its own name in Host and is refused; another page on
this machine has another origin and gets neither credentials nor a readable answer. It
deliberately does not look at paths or users (that is `ui.rights`).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
_SAMESITE = re.compile(rb";\s*samesite=[^;]*", re.IGNORECASE)

Headers = list[tuple[bytes, bytes]]


def host_name(netloc: str) -> str:
    """«Example.org:7860» → «example.org», «[::1]:7860» → «::1»."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].partition("]")[0]
    if netloc.count(":") > 1:  # a bare IPv6 address
        return netloc
    return netloc.partition(":")[0].rstrip(".")


@dataclass(frozen=True)
class HostPolicy:
    hosts: frozenset[str]
    origins: frozenset[str]

    @classmethod
    def build(cls, bound_host: str, allowed: Iterable[str]) -> HostPolicy:
        hosts = set(LOCAL_NAMES)
        if bound_host.strip().lower() not in WILDCARDS:
            hosts.add(host_name(bound_host))
        origins: set[str] = set()
        for entry in allowed:
            entry = entry.strip()
            if "://" in entry:
                parts = urllib.parse.urlsplit(entry.lower())
                origins.add(f"{parts.scheme}://{parts.netloc}")
                hosts.add(host_name(parts.netloc))
            elif entry:
                hosts.add(host_name(entry))
        return cls(frozenset(hosts), frozenset(origins))

    def host_ok(self, host_header: str) -> bool:
        return host_name(host_header) in self.hosts

    def origin_ok(self, origin: str | None, host_header: str) -> bool:
        if origin is None:
            return True  # not sent by a browser on a same-origin GET, nor by scripts
        origin = origin.strip().lower()
        if origin in self.origins:
            return True
        parts = urllib.parse.urlsplit(origin)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc == host_header.strip().lower()
            and self.host_ok(parts.netloc)
        )

    def cors_headers(self, origin: str | None, host_header: str) -> Headers:
        if origin is None or origin.strip().lower() not in self.origins:
            return []
        parts = urllib.parse.urlsplit(origin.strip().lower())
        if parts.netloc == host_header.strip().lower():
            return []  # same origin: nothing to allow
        return [(b"access-control-allow-origin", origin.strip().encode("latin-1"))]


def _lax(cookie: bytes) -> bytes:
    cookie = _SAMESITE.sub(b"", cookie)
    return cookie + b"; SameSite=Lax"


def response_headers(headers: Iterable[tuple[bytes, bytes]], cors: Headers) -> Headers:
    out: Headers = []
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(b"access-control-"):
            continue
        out.append((name, _lax(value) if lower == b"set-cookie" else value))
    if cors:
        out += [*cors, (b"vary", b"Origin")]
    return out
