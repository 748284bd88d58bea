"""The portal's request plumbing: sessions, CSRF, refusals as pages, and engine work off the event loop.

Every handler is wrapped by :func:`handler`: it finds or starts the
visitor's session, checks the CSRF token of every POST before anything
else, runs the handler, and turns a user's mistake (``UserError``) into a
4xx page holding the same one line the terminal prints.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from engine.errors import BusyError, UserError
from portal.books import WARNINGS
from portal.limits import Limiter
from portal.sessions import COOKIE, Session, Sessions, SigninLinks

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
"""Sent with every response: no framing, no inline script, no referrer carrying a link's token elsewhere, nothing cached."""


class Refused(Exception):
    """A request the member may not make: shown as a page with this status and line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Portal:
    folder: Path
    site: str = "coop"
    """The federation's name, at the top of every page."""
    secure: bool = False
    """Send the session cookie only over https (set when served behind TLS)."""
    sessions: Sessions = field(default_factory=Sessions)
    links: SigninLinks = field(default_factory=SigninLinks)
    limiter: Limiter = field(default_factory=Limiter)
    after_write: Callable[[], None] | None = None
    """Called (off the request) after anything is recorded: the scheduler settles what is now due and sends mail."""
    env: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = ImmutableSandboxedEnvironment(  # the shipped pages, sandboxed like every shipped template
            loader=jinja2.PackageLoader("portal", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )


@dataclass
class Visit:
    """One request, with its session."""

    request: Request
    portal: Portal
    session: Session
    token: str
    fresh: bool
    """Whether the session cookie must be (re)sent."""
    form: dict[str, str] = field(default_factory=dict)

    @property
    def member(self) -> str | None:
        return self.session.member

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def require_member(self) -> str:
        if self.session.member is None:
            raise SignInFirst()
        return self.session.member

    def sign_in(self, member: str, how: str) -> None:
        self.token, self.session = self.portal.sessions.sign_in(self.token, member, how)
        self.fresh = True

    def sign_out(self) -> None:
        self.portal.sessions.end(self.token)
        self.token, self.session = self.portal.sessions.start()
        self.fresh = True

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        notice, self.session.notice = self.session.notice, None
        html = self.portal.env.get_template(template).render(
            site=self.portal.site,
            member=self.session.member,
            how=self.session.how,
            csrf=self.session.csrf,
            notice=notice,
            warnings=WARNINGS.get(self.portal.folder, []) if self.session.member else [],
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def redirect(self, url: str, notice: str | None = None) -> RedirectResponse:
        if notice:
            self.session.notice = notice
        return RedirectResponse(url, status_code=303)

    async def run(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Engine work in a worker thread, so one member's scrypt or write never stalls another's page."""
        return await run_in_threadpool(work, *args, **kwargs)

    def wrote(self) -> None:
        if self.portal.after_write is not None:
            self.portal.after_write()


class SignInFirst(Exception):
    """The page needs a signed-in member."""


Handler = Callable[[Visit], Awaitable[Response]]


def handler(portal: Portal, fn: Handler) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(fn)
    async def endpoint(request: Request) -> Response:
        sent = request.cookies.get(COOKIE)
        session = portal.sessions.find(sent)
        fresh = session is None
        if session is None:
            token, session = portal.sessions.start()
        else:
            token = sent or ""
        visit = Visit(request, portal, session, token, fresh)
        try:
            if request.method == "POST":
                visit.form = await _fields(request)
                if not session.csrf_ok(visit.form.get("csrf") or request.headers.get("x-csrf-token")):
                    raise Refused(403, "this form has expired or did not come from this site; open the page again and resend")
            response = await fn(visit)
        except SignInFirst:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
        except Refused as exc:
            response = _refusal(visit, exc.status, exc.message)
        except BusyError as exc:
            response = _refusal(visit, 503, str(exc))
        except UserError as exc:
            response = _refusal(visit, 400, str(exc))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if visit.fresh:
            response.set_cookie(
                COOKIE, visit.token, httponly=True, samesite="strict", secure=portal.secure, path="/", max_age=int(portal.sessions.longest)
            )
        return response

    return endpoint


def route(portal: Portal, path: str, fn: Handler, methods: list[str]) -> Route:
    """One page or form of the portal, its handler wrapped by :func:`handler`."""
    return Route(path, handler(portal, fn), methods=methods)


async def _fields(request: Request) -> dict[str, str]:
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise Refused(400, "the request body is not JSON") from None
        if not isinstance(data, dict):
            raise Refused(400, "the request body is not a JSON object")
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _refusal(visit: Visit, status: int, message: str) -> Response:
    if visit.request.headers.get("accept", "").startswith("application/json") or visit.request.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return JSONResponse({"error": message}, status_code=status)
    return visit.page("refused.html.j2", status=status, message=message, back=visit.request.headers.get("referer") and None)
