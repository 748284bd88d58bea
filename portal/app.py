"""The portal as an ASGI app: ``create_app(folder)`` for uvicorn and for the tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from portal import reading, signin, voting
from portal.schedule import Schedule
from portal.web import HEADERS, Portal, Visit, handler


def create_app(folder: Path, *, secure: bool = False, schedule_every: float | None = 60.0) -> Starlette:
    """The portal over the books in ``folder``; ``schedule_every`` None runs no background schedule (tests settle by hand)."""
    from engine.books.folder import open_books

    books = open_books(folder, on_warning=lambda _w: None)  # refuse at start, in one line, a folder that is not books
    site = books.federation.name
    books.close()
    portal = Portal(folder.resolve(), site=site, secure=secure)
    schedule = Schedule(portal.folder, schedule_every) if schedule_every else None
    if schedule is not None:
        portal.after_write = schedule.poke

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        warm(portal)
        if schedule is not None:
            schedule.start()
        try:
            yield
        finally:
            if schedule is not None:
                schedule.stop()

    async def not_found(visit: Visit) -> Response:
        return visit.page("refused.html.j2", status=404, message="no such page")

    async def ping(_request: Request) -> Response:
        """A bare route: what the server costs with no engine work (the bench's baseline)."""
        return PlainTextResponse("ok", headers=HEADERS)

    routes: list[Any] = [
        *signin.routes(portal),
        *voting.routes(portal),
        *reading.routes(portal),
        Route("/ping", ping),
        Mount("/static", StaticFiles(packages=[("portal", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.portal = portal

    async def missing(request: Request, _exc: Exception) -> Response:
        return await handler(portal, not_found)(request)

    app.add_exception_handler(404, missing)
    return app


def warm(portal: Portal) -> None:
    """Compile every page and load the engine modules pages load on first use, before the server takes requests.

    Otherwise the first members to arrive pay for it: the first proposal page
    loaded the WebAuthn library (about 0.4 s) while fifty members waited behind it.
    """
    import engine.documents.library
    import engine.governance.ballots
    import engine.governance.decisions
    import engine.governance.due
    import engine.governance.passkeys
    import engine.governance.views
    import engine.mail.due  # noqa: F401  (the schedule's first pass)

    for name in portal.env.list_templates():
        portal.env.get_template(name)
