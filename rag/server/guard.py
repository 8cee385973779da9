"""Who may call the HTTP API and how often: a bearer token (``RAG_API_TOKEN``) and a per-address
sliding-window rate limit (``RAG_API_RATE_PER_MINUTE``). Loopback needs no token unless one is set;
any other address refuses to start without one."""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

from rag.errors import ConfigError

WINDOW_S = 60.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Serving beyond this machine without a token would hand the index to anyone on the network."""
    if not is_loopback(host) and not token:
        raise ConfigError(f"refusing to serve the API on {host} without a token",
                          hint="set RAG_API_TOKEN (clients send `Authorization: Bearer <token>`), or serve on 127.0.0.1")


class RateLimiter:
    """At most ``per_minute`` requests per client address in any 60 s (0: no limit)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen[client]
            while seen and seen[0] <= now - WINDOW_S:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return seen[0] + WINDOW_S - now
            seen.append(now)
            return 0.0


class Guard:
    """A FastAPI dependency for every /v1 route: the token first, then the rate limit."""

    def __init__(self, token: str | None, per_minute: int) -> None:
        self.token = token
        self.limiter = RateLimiter(per_minute)

    def __call__(self, request: Request) -> None:
        if self.token:
            given = request.headers.get("authorization", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), self.token.encode()):
                raise HTTPException(401, "a valid bearer token is required (Authorization: Bearer <RAG_API_TOKEN>)",
                                    headers={"WWW-Authenticate": "Bearer"})
        wait = self.limiter.retry_after(request.client.host if request.client else "?")
        if wait > 0:
            raise HTTPException(429, f"too many requests; try again in {wait:.0f} s",
                                headers={"Retry-After": str(max(1, round(wait)))})
