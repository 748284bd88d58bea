"""Proposals in the portal: what needs my vote, a proposal as the rule lets it be seen, casting a ballot, opening one."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine.books import clock
from engine.books.folder import Books
from engine.errors import UserError
from engine.governance.proposals import deciding
from portal import forms
from portal.books import compare_credential, kept, reading, writing
from portal.text import changed_parts, days_left, html
from portal.web import Portal, Refused, Visit, route


def my_ballot(books: Books, p: Any, member: str) -> Any:
    """The member's current ballot on ``p`` in the phase now running, if any (a secret ballot found by the member's pseudonym)."""
    from engine.governance.decisions import voter_keys

    phase = "ratification" if p.result is not None and p.final is None else "voting"
    names = voter_keys(books, p, required=False) or {}
    return p.current_ballots(phase).get(names.get(member, member))


def needs_vote(books: Books, member: str, today: date) -> list[dict[str, Any]]:
    from engine.governance.proposals import all_proposals

    out = []
    for p in all_proposals(books):
        if p.final is not None or p.result is not None or not p.voting_opens <= today <= p.deadline:
            continue
        eligible, _ = deciding(books, p)
        if member in eligible and my_ballot(books, p, member) is None:
            out.append({"p": p, "when": days_left(p.deadline, today)})
    return out


def _choices(p: Any) -> list[str]:
    return ["yes", "no", "abstain", "stand_aside", "block"] if p.rule.method == "consensus" else ["yes", "no", "abstain"]


def _redline(books: Books, p: Any) -> str | None:
    """For a manual amendment: the version it made against the one before, once adopted; else the proposed text marked."""
    from engine.documents.manual import render_version
    from engine.documents.redline import redline
    from engine.governance.versions import content, versions

    changes = getattr(p.fields, "changes", None)
    if p.matter.value != "manual_amendment" or not changes:
        return None
    known = versions(books)
    made = next((v for v in known if v.proposal == p.id), None)
    if made is not None:
        return redline(content(books, made.number - 1)[0], content(books, made.number)[0]).markdown
    if p.final is not None:
        return None  # not adopted: there is no version to compare
    before = content(books, len(known))[0]
    after = render_version(books, len(known) + 1, p.fields.effective or clock.today(), p.fields.summary, extra=dict(changes))
    return redline(before, after).markdown


def proposal_view(books: Books, pid: str, member: str, today: date, env: jinja2.Environment) -> dict[str, Any]:
    """The proposal's page for ``member``: what every member sees, kept while the books stay the same, and what is theirs.

    What every member sees is also rendered once (``record``, ``comments``): with fifty
    ballots on the record, rendering them was most of the page's cost.
    """
    from engine.governance.passkeys import passkeys_of

    def shared_part() -> dict[str, Any]:
        found = _proposal_shared(books, pid, today)
        rendered = {part: env.get_template(f"proposal_{part}.html.j2").render(**found) for part in ("record", "comments")}
        return found | {part: Markup(text) for part, text in rendered.items()}  # rendered with autoescape: already escaped

    shared = kept(books, ("proposal", pid, today, id(env)), shared_part)
    p = shared["p"]
    return {
        **shared,
        "eligible": member in shared["electorate"],
        "mine": my_ballot(books, p, member),
        "can_vote": shared["open_now"] and member in shared["electorate"],
        "has_passkey": bool(passkeys_of(books, member)),
    }


def _proposal_shared(books: Books, pid: str, today: date) -> dict[str, Any]:
    """What the proposal's page shows every member alike, worked out from its journal entries."""
    from engine.governance.proposals import load
    from engine.governance.views import proposal_data

    p = load(books, pid)
    data = proposal_data(p, today, books, detail=True)
    eligible, recused = deciding(books, p)
    secret = p.rule.secret
    counts = None
    if not secret or p.final is not None:
        counts = data["result"]["counts"] if data.get("result") else _live_counts(p)
    marked = _redline(books, p)
    return {
        "p": p,
        "data": data,
        "fields": _flat(data["fields"]),
        "anchor": books.journal.head(),
        "changes": getattr(p.fields, "changes", None) if p.matter.value == "manual_amendment" else None,
        "redline": html(changed_parts(marked)) if marked else None,
        "when": days_left(p.deadline, today, p.voting_opens) if p.final is None else f"closed on {p.final.on}",
        "electorate": frozenset(eligible),
        "open_now": p.final is None and p.voting_opens <= today <= p.deadline and p.result is None,
        "recused": recused,
        "secret": secret,
        "counts": counts,
        "ballots": [] if secret else data["ballots"],
        "choices": _choices(p),
        "voted": (data.get("result") or {}).get("voted") if secret and p.final is not None else None,
    }


def _flat(fields: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The proposal's fields as label and value, nested ones spelled out ("provider name"); empty ones left out."""
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "changes" and not prefix and isinstance(v, dict) and all(isinstance(x, str) for x in v.values()):
            continue  # a manual amendment's sections are shown as the redline
        if isinstance(v, dict):
            out |= _flat(v, f"{prefix}{k} ")
        elif v not in (None, "", [], {}):
            out[f"{prefix}{k}"] = v
    return out


def _live_counts(p: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for b in p.current_ballots().values():
        counts[b.choice] = counts.get(b.choice, 0) + 1
    return counts


def routes(portal: Portal) -> list[Route]:
    async def home(visit: Visit) -> Response:
        member = visit.require_member()

        def work() -> dict[str, Any]:
            from engine.governance.proposals import all_proposals

            with reading(portal.folder) as books:
                today = clock.today()
                recent = [p for p in reversed(all_proposals(books))][:10]
                return {
                    "needs": needs_vote(books, member, today),
                    "recent": [{"p": p, "status": p.status(today)} for p in recent],
                    "today": today,
                    "anchor": books.journal.head(),
                }

        return visit.page("home.html.j2", **await visit.run(work))

    async def proposal(visit: Visit) -> Response:
        member = visit.require_member()
        pid = visit.request.path_params["pid"]

        def work() -> dict[str, Any]:
            with reading(portal.folder) as books:
                return proposal_view(books, pid, member, clock.today(), portal.env)

        return visit.page("proposal.html.j2", **await visit.run(work))

    async def ballot(visit: Visit) -> Response:
        from engine.governance.ballots import cast
        from engine.governance.proposals import opening

        member = visit.require_member()
        pid = visit.request.path_params["pid"]
        secret = visit.form.get("credential") or ""
        if not secret:
            raise UserError("casting a ballot needs your credential (or your passkey)", field="credential")

        def work() -> Any:
            with reading(portal.folder) as books:
                opening(books, pid)  # an unknown proposal is named before any credential is asked about
                compared = compare_credential(books, member, secret)  # scrypt, with no lock held
            with writing(portal.folder) as books:
                return cast(books, pid, member, visit.form.get("choice", ""), None, visit.form.get("reason", ""), compared=compared)

        p, entry = await visit.run(work)
        visit.wrote()
        return visit.redirect(f"/proposals/{p.label}", _receipt_line(p, entry))

    async def ballot_options(visit: Visit) -> Response:
        from engine.governance import passkeys

        member = visit.require_member()
        pid = visit.request.path_params["pid"]

        def work() -> str:
            with reading(portal.folder) as books:
                challenge = passkeys.ballot_challenge(books, pid, member, visit.form.get("choice", ""), visit.form.get("reason", ""))
                return passkeys.assertion_options(books, member, challenge)

        return Response(await visit.run(work), media_type="application/json")

    async def ballot_passkey(visit: Visit) -> Response:
        from engine.governance.ballots import cast

        member = visit.require_member()
        pid = visit.request.path_params["pid"]

        def work() -> Any:
            with writing(portal.folder) as books:
                return cast(
                    books,
                    pid,
                    member,
                    visit.form.get("choice", ""),
                    None,
                    visit.form.get("reason", ""),
                    assertion=visit.form.get("credential") or "",
                )

        p, entry = await visit.run(work)
        visit.wrote()
        visit.session.notice = _receipt_line(p, entry)
        return JSONResponse({"next": f"/proposals/{p.label}"})

    async def comment(visit: Visit) -> Response:
        from engine.governance.proposals import comment as add

        member = visit.require_member()
        pid = visit.request.path_params["pid"]

        def work() -> Any:
            with writing(portal.folder) as books:
                return add(books, pid, member, visit.form.get("text", ""))

        await visit.run(work)
        visit.wrote()
        return visit.redirect(f"/proposals/{pid}", "Your comment is on the record.")

    async def propose_menu(visit: Visit) -> Response:
        visit.require_member()

        def work() -> list[str]:
            from engine.governance.proposals import rules_in_force

            with reading(portal.folder) as books:
                return [m.value for m in rules_in_force(books, clock.today())]

        return visit.page("propose_menu.html.j2", matters=await visit.run(work))

    def _matter(visit: Visit, books: Books) -> Any:
        from engine.books.rules import Matter
        from engine.governance.proposals import rules_in_force

        name = visit.request.path_params["matter"]
        allowed = rules_in_force(books, clock.today())
        try:
            matter = Matter(name)
        except ValueError:
            matter = None
        if matter not in allowed:
            raise Refused(404, f"'{name}' is not a matter these books decide")
        return matter

    async def propose_form(visit: Visit) -> Response:
        from engine.governance.proposals import FIELDS

        visit.require_member()

        def work() -> Any:
            with reading(portal.folder) as books:
                return _matter(visit, books)

        matter = await visit.run(work)
        return visit.page("propose_form.html.j2", matter=matter.value, inputs=forms.inputs(FIELDS[matter]), given={})

    async def propose(visit: Visit) -> Response:
        from engine.governance.credentials import check
        from engine.governance.proposals import FIELDS, open_proposal

        member = visit.require_member()
        if visit.session.how == "link" and not visit.form.get("credential"):
            raise UserError("opening a proposal needs your credential", field="credential")

        def work() -> Any:
            with writing(portal.folder) as books:
                matter = _matter(visit, books)
                if visit.form.get("credential"):
                    check(books, member, visit.form["credential"])
                data = forms.data_from(FIELDS[matter], visit.form, books.federation.currency)
                deadline = visit.form.get("deadline", "").strip()
                return open_proposal(
                    books,
                    matter,
                    data,
                    title=visit.form.get("title", "").strip(),
                    proposer=member,
                    deadline=clock.parse_date(deadline, "deadline") if deadline else None,
                )

        p = await visit.run(work)
        visit.wrote()
        return visit.redirect(f"/proposals/{p.label}", f"Opened {p.label}: {p.title}.")

    r = functools.partial(route, portal)
    return [
        r("/", home, ["GET"]),
        r("/proposals/{pid}", proposal, ["GET"]),
        r("/proposals/{pid}/ballot", ballot, ["POST"]),
        r("/proposals/{pid}/ballot/options", ballot_options, ["POST"]),
        r("/proposals/{pid}/ballot/passkey", ballot_passkey, ["POST"]),
        r("/proposals/{pid}/comment", comment, ["POST"]),
        r("/propose", propose_menu, ["GET"]),
        r("/propose/{matter}", propose_form, ["GET"]),
        r("/propose/{matter}", propose, ["POST"]),
    ]


def _receipt_line(p: Any, entry: Any) -> str:
    changed = " It replaces your earlier ballot." if "supersedes" in entry.data else ""
    filed = (
        f" It is filed under your pseudonym {entry.data['pseudonym']}, which only you and the books' key can link to you."
        if "pseudonym" in entry.data
        else ""
    )
    return f"Your ballot on {p.label} is recorded.{changed} Receipt: {entry.hash}{filed}"
