"""Who may call the server and how much, decided before a request's body is read.

``Gate`` is an ASGI middleware in front of every route. With a token (``RAG_API_TOKEN``) set, every
path but the UI's needs it (``/v1``, ``/docs``, ``/redoc``, ``/openapi.json``, unknown paths); a wrong
or missing token is a 401 sent before the body is read, and it counts as a failed login of the client
address: after ``FREE_FAILURES`` of them that address is locked out (429) for a time that doubles with
each further failure, whatever token it sends. Each ``/v1`` request counts toward a per-address rate
(``RAG_API_RATE_PER_MINUTE``). Bodies are refused past the route's limit (413, JSON, declared or not),
and a JSON body must be UTF-8. Under ``/ui``, with a UI secret set, the login is locked out the same
way and Gradio's routes that do not check the login themselves need the login cookie.
Loopback needs no token unless one is set; any other address refuses to start without one."""

from __future__ import annotations

import hmac
import ipaddress
import math
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable

from starlette.responses import JSONResponse

from rag.errors import ConfigError

WINDOW_S = 60.0
UI_PATH = "/ui"
JSON_ROUTES = frozenset({"/v1/ask", "/v1/chat/completions"})
# Gradio routes under /ui/gradio_api that answer before a login: the login page needs them
UI_OPEN = frozenset({"login_check", "theme.css", "user", "token", "app_id", "startup-events"})


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


def upload_body_limit(max_upload_mb: float) -> int:
    """A request may carry two files of the upload limit (a pair) and its form fields."""
    return int(2 * max_upload_mb * 1024 * 1024) + (1 << 16)


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


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class LoginFailures:
    """Failed logins (wrong or missing tokens, wrong UI passwords) per client address. The first
    ``free`` cost nothing; each one after locks the address out for ``base_s`` doubled per failure
    past them, at most ``max_s``. A success (outside a lockout) clears the count; a quiet ``forget_s``
    clears it too."""

    def __init__(self, free: int = 5, base_s: float = 1.0, max_s: float = 900.0, forget_s: float = 900.0) -> None:
        self.free, self.base_s, self.max_s, self.forget_s = free, base_s, max_s, forget_s
        self._by_client: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str, now: float | None = None) -> float:
        """Seconds the address must still wait (0: it may try)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            rec = self._by_client.get(client)
            return max(0.0, rec.locked_until - now) if rec else 0.0

    def failed(self, client: str, now: float | None = None) -> float:
        """Count a failure; the lockout it starts, in seconds (0 within the free ones)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            rec = self._by_client.setdefault(client, _Record())
            if now - rec.last > self.forget_s and now >= rec.locked_until:
                rec.failures = 0
            rec.failures, rec.last = rec.failures + 1, now
            over = rec.failures - self.free
            if over <= 0:
                return 0.0
            wait = min(self.max_s, self.base_s * 2 ** min(over - 1, 32))
            rec.locked_until = max(rec.locked_until, now + wait)
            return wait

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._by_client.pop(client, None)


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _too_many(wait: float, why: str) -> JSONResponse:
    secs = max(1, math.ceil(wait))
    return _json(429, f"{why}; try again in {secs} s", {"Retry-After": str(secs)})


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _client(scope: dict) -> str:
    client = scope.get("client")
    return client[0] if client else "?"


class BodyLimit:
    """The request body, counted as it is read: past ``limit`` the app is told the client left, and
    ``over`` is set so that the gate sends the 413 instead of whatever the app answers."""

    def __init__(self, receive, limit: int) -> None:
        self.receive, self.limit, self.read, self.over = receive, limit, 0, False

    async def __call__(self) -> dict:
        if self.over:
            return {"type": "http.disconnect"}
        message = await self.receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.limit:
                self.over = True
                return {"type": "http.disconnect"}
        return message


class Gate:
    """The ASGI middleware described above (``settings``: the server's; ``ui_app``: the mounted
    Gradio app, once there is one, for its login cookies)."""

    def __init__(self, app, settings, ui_app: Callable[[], Any] = lambda: None) -> None:
        self.app = app
        self.token = settings.api_token
        self.ui_secret = settings.ui_password or settings.api_token
        self.rate = RateLimiter(settings.api_rate_per_minute)
        self.failures = LoginFailures()
        self.json_limit = settings.api_max_request_kb * 1024
        self.upload_limit = upload_body_limit(settings.max_upload_mb)
        self.ui_app = ui_app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket" and not self._socket_allowed(scope):
            return await send({"type": "websocket.close", "code": 1008})
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path == UI_PATH or path.startswith(UI_PATH + "/"):
            return await self._ui(scope, receive, send, path)
        if path == "/":  # a redirect to the UI
            return await self.app(scope, receive, send)
        refusal = self._refusal(scope, path)
        if refusal is not None:
            return await refusal(scope, receive, send)
        await self._within_limit(scope, receive, send, path)

    # --- who: the token, failed logins, the rate ------------------------------------------------
    def _refusal(self, scope: dict, path: str) -> JSONResponse | None:
        client = _client(scope)
        if self.token:
            wait = self.failures.locked_for(client)
            if wait > 0:
                return _too_many(wait, "too many failed logins from this address")
            if not self._token_ok(scope):
                self.failures.failed(client)
                return _json(401, "a valid bearer token is required (Authorization: Bearer <token>)",
                             {"WWW-Authenticate": "Bearer"})
            self.failures.succeeded(client)
        if path.startswith("/v1/") or path == "/v1":
            wait = self.rate.retry_after(client)
            if wait > 0:
                return _too_many(wait, "too many requests")
        return None

    def _token_ok(self, scope: dict) -> bool:
        scheme, _, value = _header(scope, b"authorization").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self.token.encode())

    # --- how much: the body -----------------------------------------------------------------------
    def _limit(self, path: str) -> int:
        return self.json_limit if path in JSON_ROUTES else self.upload_limit

    async def _within_limit(self, scope, receive, send, path: str) -> None:
        limit = self._limit(path)
        size = _header(scope, b"content-length")
        if size.isdigit() and int(size) > limit:
            return await self._too_large(int(size), limit)(scope, receive, send)
        if path in JSON_ROUTES and scope["method"] in ("POST", "PUT", "PATCH"):
            return await self._json_body(scope, receive, send, limit)
        body = BodyLimit(receive, limit)
        started = False

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if body.over:
                return  # the 413 is sent below instead
            started = True
            await send(message)

        try:
            await self.app(scope, body, guarded_send)
        except Exception:
            if not body.over:
                raise
        if body.over and not started:
            await self._too_large(body.read, limit)(scope, receive, send)

    async def _json_body(self, scope, receive, send, limit: int) -> None:
        """A JSON body is read whole (it is small) before the route sees it: its size, then UTF-8."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await self._too_large(size, limit)(scope, receive, send)
            if not message.get("more_body"):
                break
        data = b"".join(chunks)
        if not _utf8_json_text(data):
            return await _json(400, "the body must be JSON encoded as UTF-8 (no byte order mark)")(scope, receive, send)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    def _too_large(size: int, limit: int) -> JSONResponse:
        what = "at least " if size == limit + 1 else ""
        return _json(413, f"the request body is {what}{_kb(size)}; this route takes at most {_kb(limit)}")

    # --- the UI -------------------------------------------------------------------------------------
    async def _ui(self, scope, receive, send, path: str) -> None:
        if not self.ui_secret:
            return await self.app(scope, receive, send)
        rest = path[len(UI_PATH):].strip("/")
        if rest == "login" and scope["method"] == "POST":
            return await self._login(scope, receive, send)
        if rest.startswith("gradio_api/") and rest.split("/", 1)[1] not in UI_OPEN and not self._logged_in(scope):
            return await _json(401, "log in to the UI first")(scope, receive, send)
        await self.app(scope, receive, send)

    async def _login(self, scope, receive, send) -> None:
        """Gradio's login form, with the same lockout as the token: a refused password counts."""
        client = _client(scope)
        wait = self.failures.locked_for(client)
        if wait > 0:
            return await _too_many(wait, "too many failed logins from this address")(scope, receive, send)
        status = 0

        async def watched(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watched)
        if status == 200:
            self.failures.succeeded(client)
        elif 400 <= status < 500:
            self.failures.failed(client)

    def _socket_allowed(self, scope: dict) -> bool:
        """A websocket under /ui needs the UI's login (with a UI secret), anywhere else the token."""
        path = scope["path"]
        if path == UI_PATH or path.startswith(UI_PATH + "/"):
            return not self.ui_secret or self._logged_in(scope)
        return not self.token or self._token_ok(scope)

    def _logged_in(self, scope: dict) -> bool:
        ui = self.ui_app()
        if ui is None:
            return False
        try:
            cookies = SimpleCookie(_header(scope, b"cookie"))
        except CookieError:
            return False
        names = (f"access-token-{ui.cookie_id}", f"access-token-unsecure-{ui.cookie_id}")
        return any(n in cookies and cookies[n].value in ui.tokens for n in names)


def _utf8_json_text(data: bytes) -> bool:
    """UTF-8 without a byte order mark; a NUL byte, which JSON text never holds, betrays UTF-16 or -32."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.startswith(b"\xef\xbb\xbf") and b"\x00" not in data


def _kb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{math.ceil(size / 1024)} KB"
