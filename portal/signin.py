"""Signing in and enrolling: by invitation, credential, passkey, or a mailed link with a code.

A first sign-in secret is only ever set from an invitation the member
received, so the administrator never chooses or sees it. A mailed link
reaches the pages; casting a ballot or signing a document still asks for the
member's own credential or passkey.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine.books import clock
from engine.books.roster import memberships
from engine.errors import UserError
from portal.books import compare_credential, reading, writing
from portal.web import Portal, Refused, Visit, route


def _next(visit: Visit) -> str:
    """Where to go after signing in: a path on this site only (never an open redirect)."""
    target = visit.form.get("next") or visit.request.query_params.get("next") or "/"
    parts = urlsplit(target)
    return target if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme else "/"


def _member_id(visit: Visit) -> str:
    member = (visit.form.get("member") or "").strip().lower()
    if not member:
        raise UserError("give your member id", field="member", expected="the id on your invitation, e.g. mara-quist")
    return member


def _limit(visit: Visit, member: str) -> None:
    if not visit.portal.limiter.allow(member, visit.address):
        raise Refused(429, "too many sign-in attempts; wait 15 minutes and try again")


async def _sign_in_checked(visit: Visit, member: str, how: str, check: Callable[[], object]) -> None:
    """Sign ``member`` in if ``check`` (their credential or passkey, on the books) passes; a refusal counts toward the limit."""
    try:
        await visit.run(check)
    except UserError:
        visit.portal.limiter.failed(member, visit.address)
        raise
    visit.portal.limiter.forget(member)
    visit.sign_in(member, how)


def routes(portal: Portal) -> list[Route]:
    async def signin_page(visit: Visit) -> Response:
        if visit.member:
            return visit.redirect(_next(visit))
        return visit.page("signin.html.j2", next=_next(visit))

    async def signin_credential(visit: Visit) -> Response:
        from engine.governance.credentials import settle

        member = _member_id(visit)
        _limit(visit, member)

        def work() -> None:
            with reading(portal.folder) as books:
                compared = compare_credential(books, member, visit.form.get("credential") or "")  # scrypt, with no lock held
            with writing(portal.folder) as books:
                settle(books, compared)

        await _sign_in_checked(visit, member, "credential", work)
        return visit.redirect(_next(visit))

    async def signin_link_request(visit: Visit) -> Response:
        member = _member_id(visit)
        _limit(visit, member)
        visit.portal.limiter.failed(member, visit.address)  # each link asked for counts: mail is not a free resource

        def work() -> None:
            with writing(portal.folder) as books:
                known = memberships(books, clock.today()).get(member)
                if known is None:
                    return
                token, code = portal.links.issue(member)
                from engine.mail import messages  # the mail package journals the message (its hash, never the code)

                with books.transaction() as w:
                    messages.signin_link(w, books, member, token, code)

        await visit.run(work)
        visit.wrote()
        return visit.redirect(
            "/signin", "If that member id is on the roster, a sign-in link and a code are on their way to its email address."
        )

    async def signin_link_page(visit: Visit) -> Response:
        token = visit.request.path_params["token"]
        if not portal.links.known(token):
            raise Refused(400, "this sign-in link has been used or has expired; ask for a new one")
        return visit.page("signin_code.html.j2", token=token)

    async def signin_link_use(visit: Visit) -> Response:
        token = visit.request.path_params["token"]
        _limit(visit, f"link:{token[:8]}")
        member = portal.links.redeem(token, visit.form.get("code") or "")
        if member is None:
            visit.portal.limiter.failed(f"link:{token[:8]}", visit.address)
            raise Refused(400, "that code does not open this link, or the link was used or has expired")
        visit.sign_in(member, "link")
        return visit.redirect("/", "Signed in by link. Voting and signing will ask for your credential or passkey.")

    async def signin_passkey_options(visit: Visit) -> Response:
        import secrets

        from engine.governance import passkeys

        member = _member_id(visit)
        _limit(visit, member)
        challenge = secrets.token_bytes(32)

        def work() -> str:
            with reading(portal.folder) as books:
                return passkeys.assertion_options(books, member, challenge)

        options = await visit.run(work)
        visit.session.challenges["signin"] = member.encode() + b"\0" + challenge
        return Response(options, media_type="application/json")

    async def signin_passkey(visit: Visit) -> Response:
        from engine.governance import passkeys

        pending = visit.session.challenges.pop("signin", None)
        if pending is None:
            raise Refused(400, "no passkey sign-in was started here; start again")
        member_bytes, _, challenge = pending.partition(b"\0")
        member = member_bytes.decode()

        def work() -> None:
            with writing(portal.folder) as books:
                passkeys.verify_assertion(books, member, visit.form.get("credential") or "", challenge)

        await _sign_in_checked(visit, member, "passkey", work)
        return JSONResponse({"next": _next(visit)})

    async def signout(visit: Visit) -> Response:
        visit.sign_out()
        return visit.redirect("/signin", "Signed out.")

    # --- enrolling from an invitation ---------------------------------------------------

    def _invited(visit: Visit) -> tuple[str, str, Any]:
        from engine.governance.invitations import redeemable

        member, code = visit.request.path_params["member"].lower(), visit.request.path_params["code"]
        with reading(portal.folder) as books:
            m = memberships(books, clock.today()).get(member)
            if m is None:
                raise Refused(400, "this invitation is not for a member on the roster")
            from engine.governance.credentials import SET

            redeemable(books, member, code, clock.today(), SET)
            return member, code, m

    async def join_page(visit: Visit) -> Response:
        member, code, m = await visit.run(_invited, visit)
        return visit.page("join.html.j2", invited=member, name=m.provider.name, code=code)

    async def join_credential(visit: Visit) -> Response:
        from engine.governance.credentials import set_credential

        member, code, _m = await visit.run(_invited, visit)
        new = visit.form.get("credential") or ""
        if new != (visit.form.get("again") or ""):
            raise UserError("the two entries of the credential differ", field="credential")

        def work() -> None:
            with writing(portal.folder) as books:
                set_credential(books, member, new, invitation=code)

        await visit.run(work)
        visit.wrote()
        visit.sign_in(member, "credential")
        return visit.redirect("/", "Your credential is set. Keep it to yourself: it casts your ballots and signs your documents.")

    async def join_passkey_options(visit: Visit) -> Response:
        from engine.governance import passkeys

        member, _code, _m = await visit.run(_invited, visit)

        def work() -> tuple[str, bytes]:
            with reading(portal.folder) as books:
                return passkeys.begin_registration(books, member)

        options, challenge = await visit.run(work)
        visit.session.challenges["register"] = challenge
        return Response(options, media_type="application/json")

    async def join_passkey(visit: Visit) -> Response:
        from engine.governance import passkeys

        member, code, _m = await visit.run(_invited, visit)
        challenge = visit.session.challenges.pop("register", None)
        if challenge is None:
            raise Refused(400, "no passkey set-up was started here; start again")

        def work() -> None:
            with writing(portal.folder) as books:
                passkeys.finish_registration(books, member, visit.form.get("credential") or "", challenge, invitation=code)

        await visit.run(work)
        visit.wrote()
        visit.sign_in(member, "passkey")
        visit.session.notice = "Your passkey is set up. It casts your ballots and signs your documents."
        return JSONResponse({"next": "/"})

    r = functools.partial(route, portal)
    return [
        r("/signin", signin_page, ["GET"]),
        r("/signin", signin_credential, ["POST"]),
        r("/signin/link", signin_link_request, ["POST"]),
        r("/signin/link/{token}", signin_link_page, ["GET"]),
        r("/signin/link/{token}", signin_link_use, ["POST"]),
        r("/signin/passkey/options", signin_passkey_options, ["POST"]),
        r("/signin/passkey", signin_passkey, ["POST"]),
        r("/signout", signout, ["POST"]),
        r("/join/{member}/{code}", join_page, ["GET"]),
        r("/join/{member}/{code}", join_credential, ["POST"]),
        r("/join/{member}/{code}/passkey/options", join_passkey_options, ["POST"]),
        r("/join/{member}/{code}/passkey", join_passkey, ["POST"]),
    ]
