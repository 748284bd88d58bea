"""What a member reads: their documents and statements, the manual, the transparency report, the roster.

A member sees their own documents and the shared ones, never another
member's: a document is looked up only among those issued to the signed-in
member, and a number that belongs to someone else gets the same refusal as
one that does not exist.
"""

from __future__ import annotations

import functools
from typing import Any

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from engine.books import clock
from engine.books.folder import Books
from engine.errors import UserError
from portal.books import reading, writing
from portal.text import html
from portal.web import Portal, Refused, Visit, route


def _cycles(books: Books, member: str) -> list[Any]:
    """The cycles the member belonged in, newest first."""
    from engine.books.roster import memberships
    from engine.ledger.accounts import cycles_through

    today = clock.today()
    m = memberships(books, today).get(member)
    if m is None:
        return []
    return [c for c in reversed(cycles_through(books, min(today, m.end or today))) if c.last_day >= m.start]


def _doc(visit: Visit, books: Books, member: str) -> Any:
    from engine.documents.library import document

    try:
        seq = int(visit.request.path_params["seq"])
    except ValueError:
        raise Refused(404, "no such document") from None
    try:
        return document(books, member, seq)
    except UserError as exc:
        raise Refused(404, exc.message) from None


def routes(portal: Portal) -> list[Route]:
    async def documents(visit: Visit) -> Response:
        from engine.documents.library import member_documents

        member = visit.require_member()

        def work() -> dict[str, Any]:
            with reading(portal.folder) as books:
                return {
                    "documents": list(reversed(member_documents(books, member))),
                    "cycles": _cycles(books, member),
                    "anchor": books.journal.head(),
                }

        return visit.page("documents.html.j2", **await visit.run(work))

    async def download(visit: Visit) -> Response:
        member = visit.require_member()
        want_pdf = visit.request.path_params["ext"] == "pdf"

        def work() -> Any:
            with reading(portal.folder) as books:
                held = _doc(visit, books, member)
                if not held.intact():
                    raise Refused(409, f"{held.name} on the server no longer matches the SHA-256 it was issued with; ask the administrator")
                if not want_pdf:
                    return held.path, held.name
                from engine.documents.pdf import to_pdf

                pdf = held.path.with_suffix(".pdf")
                if not pdf.is_file() and to_pdf([held.path]) is None:
                    raise Refused(404, "PDF is not available on this server (LibreOffice is not installed); download the DOCX")
                return pdf, held.name.removesuffix(".docx") + ".pdf"

        path, name = await visit.run(work)
        kind = "application/pdf" if want_pdf else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return FileResponse(path, media_type=kind, filename=name)

    async def sign_page(visit: Visit) -> Response:
        member = visit.require_member()

        def work() -> dict[str, Any]:
            from engine.governance.passkeys import passkeys_of

            with reading(portal.folder) as books:
                held = _doc(visit, books, member)
                if not held.signable:
                    raise Refused(400, f"{held.name} is not a document to sign")
                text = held.markdown.read_text(encoding="utf-8") if held.markdown.is_file() else None
                return {"held": held, "text": html(text) if text else None, "has_passkey": bool(passkeys_of(books, member))}

        return visit.page("sign.html.j2", **await visit.run(work))

    def _sign(visit: Visit, member: str, secret: str | None, assertion: str | None) -> Any:
        from engine.documents.signatures import sign

        with writing(portal.folder) as books:
            held = _doc(visit, books, member)
            if held.signed is not None:
                raise UserError(f"{held.name} was already signed on {held.signed.on}", field="document")
            name = (visit.form.get("name") or "").strip()
            return sign(
                books,
                member,
                clock.today(),
                held.kind,
                name=name,
                document_sha256=held.sha256,
                secret=secret,
                assertion=assertion,
            )

    async def sign_post(visit: Visit) -> Response:
        member = visit.require_member()
        secret = visit.form.get("credential") or ""
        if not secret:
            raise UserError("signing needs your credential (or your passkey)", field="credential")
        entry = await visit.run(_sign, visit, member, secret, None)
        visit.wrote()
        return visit.redirect("/documents", f"Signed {entry.data['document']} (SHA-256 {entry.data['sha256'][:16]}…).")

    async def sign_options(visit: Visit) -> Response:
        from engine.documents.signatures import signing_challenge
        from engine.governance.passkeys import assertion_options

        member = visit.require_member()

        def work() -> str:
            with reading(portal.folder) as books:
                held = _doc(visit, books, member)
                challenge = signing_challenge(books, member, held.kind, held.sha256, (visit.form.get("name") or "").strip())
                return assertion_options(books, member, challenge)

        return Response(await visit.run(work), media_type="application/json")

    async def sign_passkey(visit: Visit) -> Response:
        member = visit.require_member()
        entry = await visit.run(_sign, visit, member, None, visit.form.get("credential") or "")
        visit.wrote()
        visit.session.notice = f"Signed {entry.data['document']} with your passkey."
        return JSONResponse({"next": "/documents"})

    async def statement(visit: Visit) -> Response:
        member = visit.require_member()

        def work() -> dict[str, Any]:
            from engine.books.naming import cycle_named
            from engine.documents import notices

            with reading(portal.folder) as books:
                c = cycle_named(books, visit.request.path_params["cycle"], "cycle")
                if c.id not in {x.id for x in _cycles(books, member)}:
                    raise Refused(404, f"no statement for {member} in cycle {c.id}")
                doc = notices.statement_document(books, member, c, clock.today())
                markdown, _docx = notices.render(doc, books.federation.currency)
                return {"cycle": c, "text": html(markdown), "anchor": books.journal.head()}

        return visit.page("statement.html.j2", **await visit.run(work))

    async def manual(visit: Visit) -> Response:
        visit.require_member()
        raw = visit.request.path_params.get("n")

        def work() -> dict[str, Any]:
            from engine.governance.versions import content, in_force, require, versions

            with reading(portal.folder) as books:
                known = versions(books)
                if not known:
                    raise Refused(404, "no manual has been adopted yet")
                current = in_force(books, clock.today())
                try:
                    number = int(raw) if raw is not None else current.number
                except ValueError:
                    raise Refused(404, f"no manual version {raw}") from None
                v = require(books, number)
                return {"versions": known, "v": v, "current": current.number, "text": html(content(books, number)[0])}

        return visit.page("manual.html.j2", **await visit.run(work))

    async def manual_redline(visit: Visit) -> Response:
        visit.require_member()

        def work() -> dict[str, Any]:
            from engine.documents.redline import redline
            from engine.governance.versions import content, require, versions

            with reading(portal.folder) as books:
                try:
                    a, b = int(visit.request.path_params["a"]), int(visit.request.path_params["b"])
                except ValueError:
                    raise Refused(404, "a redline compares two version numbers") from None
                require(books, a), require(books, b)
                if a == b:
                    raise UserError("a redline compares two different versions", field="version")
                marked = redline(content(books, a)[0], content(books, b)[0])
                return {"versions": versions(books), "a": a, "b": b, "text": html(marked.markdown)}

        return visit.page("redline.html.j2", **await visit.run(work))

    async def report(visit: Visit) -> Response:
        visit.require_member()

        def work() -> dict[str, Any]:
            from engine.books.cycles import cycle_containing
            from engine.books.naming import cycle_named
            from engine.documents.statements import transparency, transparency_markdown

            with reading(portal.folder) as books:
                raw = visit.request.path_params.get("cycle")
                c = cycle_named(books, raw, "cycle") if raw else cycle_containing(clock.today(), books.federation.cycle)
                here = cycle_containing(clock.today(), books.federation.cycle)
                return {
                    "cycle": c,
                    "previous": c.previous().id,
                    "next": c.next().id if c.first_day < here.first_day else None,
                    "text": html(transparency_markdown(transparency(books, c))),
                    "anchor": books.journal.head(),
                }

        return visit.page("report.html.j2", **await visit.run(work))

    async def roster(visit: Visit) -> Response:
        visit.require_member()

        def work() -> list[Any]:
            from engine.books.roster import active

            with reading(portal.folder) as books:
                return [{"name": m.provider.name, "practice": m.provider.practice} for m in active(books, clock.today())]

        return visit.page("roster.html.j2", people=await visit.run(work))

    r = functools.partial(route, portal)
    return [
        r("/documents", documents, ["GET"]),
        r("/documents/{seq}.{ext:str}", download, ["GET"]),
        r("/documents/{seq}/sign", sign_page, ["GET"]),
        r("/documents/{seq}/sign", sign_post, ["POST"]),
        r("/documents/{seq}/sign/options", sign_options, ["POST"]),
        r("/documents/{seq}/sign/passkey", sign_passkey, ["POST"]),
        r("/statements/{cycle}", statement, ["GET"]),
        r("/manual", manual, ["GET"]),
        r("/manual/{n}", manual, ["GET"]),
        r("/manual/redline/{a}/{b}", manual_redline, ["GET"]),
        r("/report", report, ["GET"]),
        r("/report/{cycle}", report, ["GET"]),
        r("/roster", roster, ["GET"]),
    ]
