"""The members' portal over HTTP: every route, and every refusal leaves the books as they were."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import ok
from portal_client import Browser, csrf_of

from engine.books.folder import open_books

MARA, TEO, NOOR = "mara-quist", "teo-abernathy", "noor-haddad"


def secret(member: str) -> str:
    return f"pass-{member}-2027"


def invite(coop, member: str) -> str:
    out = ok(coop("member", "invite", member)).output
    return out.strip().splitlines()[-1]


def head(folder: Path) -> tuple[int, str]:
    books = open_books(folder)
    try:
        return books.journal.head()
    finally:
        books.close()


def kinds(folder: Path, kind: str) -> list[dict]:
    books = open_books(folder)
    try:
        return [e.data for e in books.journal.entries([kind])]
    finally:
        books.close()


@pytest.fixture
def joined(books_dir: Path, coop) -> Path:
    """Three members who set their own credentials from their invitations, in the portal."""
    for m in (MARA, TEO, NOOR):
        code = invite(coop, m)
        b = Browser(books_dir)
        r = b.form(f"/join/{m}/{code}", f"/join/{m}/{code}", {"credential": secret(m), "again": secret(m)})
        assert r.status_code == 303, r.text
    return books_dir


def signed_in(folder: Path, member: str) -> Browser:
    b = Browser(folder)
    b.sign_in(member, secret(member))
    return b


def test_pages_need_a_signed_in_member(joined: Path) -> None:
    b = Browser(joined)
    for path in ("/", "/documents", "/manual", "/report", "/roster", "/proposals/P-1"):
        r = b.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin?next="), path


def test_invitation_sets_the_members_own_credential_once(books_dir: Path, coop) -> None:
    code = invite(coop, MARA)
    b = Browser(books_dir)
    page = b.get(f"/join/{MARA}/{code}")
    assert page.status_code == 200 and "Mara Quist" in page.text
    r = b.form(f"/join/{MARA}/{code}", f"/join/{MARA}/{code}", {"credential": secret(MARA), "again": secret(MARA)})
    assert r.status_code == 303
    assert b.get("/").status_code == 200  # signed in by enrolling
    stored = kinds(books_dir, "member.credential_set")
    assert [s["member"] for s in stored] == [MARA] and "invitation" in stored[0]
    assert secret(MARA) not in (books_dir / "journal.sqlite3").read_bytes().decode("latin-1")
    before = head(books_dir)
    again = Browser(books_dir).get(f"/join/{MARA}/{code}")
    assert again.status_code == 400 and "used" in again.text
    assert head(books_dir) == before


def test_wrong_credential_is_refused_and_counted_and_then_rate_limited(joined: Path) -> None:
    b = Browser(joined)
    r = b.form("/signin", "/signin", {"member": MARA, "credential": "not-it-at-all"})
    assert r.status_code == 400 and f"wrong credential for {MARA}" in r.text
    assert len(kinds(joined, "member.credential_failed")) == 1
    codes = [b.form("/signin", "/signin", {"member": MARA, "credential": "nope-nope"}).status_code for _ in range(5)]
    assert codes[-1] == 429
    assert "too many sign-in attempts" in b.form("/signin", "/signin", {"member": MARA, "credential": secret(MARA)}).text


def test_a_form_without_its_csrf_token_changes_nothing(joined: Path) -> None:
    b = signed_in(joined, MARA)
    before = head(joined)
    r = b.client.post("/propose/onboarding", data={"title": "x"})
    assert r.status_code == 403 and "did not come from this site" in r.text
    r = b.client.post("/signin", data={"member": MARA, "credential": secret(MARA), "csrf": "forged"})
    assert r.status_code == 403
    assert head(joined) == before


def test_session_cookie_is_httponly_strict_and_secure_behind_tls(joined: Path) -> None:
    cookie = Browser(joined).get("/signin").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Secure" not in cookie
    assert "Secure" in Browser(joined, secure=True).get("/signin").headers["set-cookie"]
    page = Browser(joined).get("/signin")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"] and page.headers["referrer-policy"] == "no-referrer"


def test_signing_in_gives_a_new_session_token(joined: Path) -> None:
    b = Browser(joined)
    b.get("/signin")
    before = b.client.cookies.get("coop_session")
    b.sign_in(MARA, secret(MARA))
    assert b.client.cookies.get("coop_session") != before


def open_onboarding(b: Browser, label: str = "P-1", who: str = "ada-byrne") -> str:
    r = b.form(
        "/propose/onboarding",
        "/propose/onboarding",
        {
            "title": "Welcome Ada Byrne",
            "provider.id": who,
            "provider.name": "Ada Byrne",
            "provider.practice": "Byrne Counseling PLLC",
            "provider.licence": "LPC-1",
            "provider.email": "ada@example.org",
            "provider.start": "2027-02-01",
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/proposals/{label}"
    return r.headers["location"]


def test_a_member_opens_a_proposal_from_the_form_and_others_see_it_needs_their_vote(joined: Path) -> None:
    mara = signed_in(joined, MARA)
    where = open_onboarding(mara)
    assert where == "/proposals/P-1"
    page = mara.get(where)
    assert "Welcome Ada Byrne" in page.text and "majority" in page.text and "closes in 14 days" in page.text
    teo = signed_in(joined, TEO)
    home = teo.get("/").text
    assert "P-1" in home and "closes in 14 days" in home
    opened = kinds(joined, "proposal.opened")
    assert opened[0]["proposer"] == MARA if "proposer" in opened[0] else True


def test_the_form_refuses_what_the_terminal_refuses_in_the_same_words(joined: Path, coop) -> None:
    mara = signed_in(joined, MARA)
    before = head(joined)
    r = mara.form("/propose/onboarding", "/propose/onboarding", {"title": "x", "provider.id": "ada", "provider.email": "not-an-email"})
    assert r.status_code == 400 and "Not done" in r.text
    assert head(joined) == before
    r = mara.form("/propose/no_such_matter", "/propose/no_such_matter", {"title": "x"})
    assert r.status_code == 404


def test_casting_and_changing_a_ballot_needs_the_credential_and_shows_the_receipt(joined: Path) -> None:
    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    teo = signed_in(joined, TEO)
    before = head(joined)
    r = teo.form("/proposals/P-1", "/proposals/P-1/ballot", {"choice": "yes"})
    assert r.status_code == 400 and "needs your credential" in r.text
    r = teo.form("/proposals/P-1", "/proposals/P-1/ballot", {"choice": "yes", "credential": secret(MARA), "member": MARA})
    assert r.status_code == 400 and f"wrong credential for {TEO}" in r.text  # the session's member votes, never a field
    assert [k for k in kinds(joined, "ballot.cast")] == []
    assert head(joined)[0] == before[0] + 1  # only the failed check
    r = teo.form("/proposals/P-1", "/proposals/P-1/ballot", {"choice": "yes", "credential": secret(TEO)})
    assert r.status_code == 303
    page = teo.get("/proposals/P-1").text
    cast = kinds(joined, "ballot.cast")
    assert [c["member"] for c in cast] == [TEO]
    assert "Your ballot on P-1 is recorded" in page and "You voted <strong>yes</strong>" in page
    r = teo.form("/proposals/P-1", "/proposals/P-1/ballot", {"choice": "no", "credential": secret(TEO)})
    assert "replaces your earlier ballot" in teo.get("/proposals/P-1").text
    assert "P-1" not in teo.get("/").text.split("Recent proposals")[0]


def test_a_member_outside_the_electorate_cannot_vote(joined: Path, coop, monkeypatch: pytest.MonkeyPatch) -> None:
    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    ok(coop("provider", "leave", NOOR, "--on", "2027-01-15"))
    monkeypatch.setenv("COOP_NOW", "2027-01-16T09:00:00")
    mara.form("/proposals/P-1", "/proposals/P-1/comment", {"text": "the next day"})
    open_onboarding(mara, "P-2", "bo-lind")
    noor = signed_in(joined, NOOR)
    before = head(joined)
    r = noor.form("/proposals/P-2", "/proposals/P-2/ballot", {"choice": "yes", "credential": secret(NOOR)})
    assert r.status_code == 400 and "may not vote on P-2" in r.text
    assert head(joined) == before


def test_comments_are_text_never_markup(joined: Path) -> None:
    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    r = mara.form("/proposals/P-1", "/proposals/P-1/comment", {"text": "<script>alert(1)</script> & {{ 7*7 }}"})
    assert r.status_code == 303
    page = mara.get("/proposals/P-1").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ 7*7 }}" in page


def test_documents_are_the_members_own_and_checked_against_their_hash(joined: Path, coop) -> None:
    ok(coop("contracts", "issue", "--all"))
    mara = signed_in(joined, MARA)
    page = mara.get("/documents").text
    books = open_books(joined)
    mine = [e for e in books.journal.entries(["contract.issued"]) if e.data["provider"] == MARA]
    theirs = [e for e in books.journal.entries(["contract.issued"]) if e.data["provider"] == TEO]
    books.close()
    assert mine and f"SHA-256 {mine[0].data['sha256']}" in page and theirs[0].data["sha256"] not in page
    got = mara.get(f"/documents/{mine[0].seq}.docx")
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == mine[0].data["sha256"]
    other = mara.get(f"/documents/{theirs[0].seq}.docx")
    none = mara.get("/documents/999999.docx")
    assert other.status_code == none.status_code == 404
    assert other.text.replace(str(theirs[0].seq), "N") == none.text.replace("999999", "N")
    path = joined / "documents" / "agreements" / mine[0].on / mine[0].data["document"]
    path.write_bytes(path.read_bytes() + b"x")
    r = mara.get(f"/documents/{mine[0].seq}.docx")
    assert r.status_code == 409 and "no longer matches the SHA-256" in r.text


def test_a_member_signs_their_agreement_in_the_portal(joined: Path, coop) -> None:
    ok(coop("contracts", "issue", "--all"))
    mara = signed_in(joined, MARA)
    books = open_books(joined)
    agreement = next(e for e in books.journal.entries(["contract.issued"]) if e.data["provider"] == MARA and e.data["kind"] == "agreement")
    books.close()
    page = mara.get(f"/documents/{agreement.seq}/sign")
    assert page.status_code == 200 and agreement.data["sha256"] in page.text
    r = mara.form(
        f"/documents/{agreement.seq}/sign", f"/documents/{agreement.seq}/sign", {"name": "Mara Quist", "credential": secret(MARA)}
    )
    assert r.status_code == 303, r.text
    signed = kinds(joined, "contract.signed")
    assert signed[-1]["provider"] == MARA and signed[-1]["sha256"] == agreement.data["sha256"]
    assert "Mara Quist" in str(signed[-1])
    status = ok(coop("contracts", "status")).output
    assert MARA in status


def test_manual_versions_redline_report_and_roster(joined: Path, coop) -> None:
    mara = signed_in(joined, MARA)
    manual = mara.get("/manual")
    assert manual.status_code == 200 and "v1 (in force)" in manual.text
    assert mara.get("/manual/2").status_code == 400
    assert mara.get("/manual/redline/1/1").status_code == 404 or "different versions" in mara.get("/manual/redline/1/1").text
    roster = mara.get("/roster").text
    assert "Mara Quist" in roster and "Juniper Street Counseling PLLC" in roster and "@" not in roster
    report = mara.get("/report")
    assert report.status_code == 200


def test_a_statement_is_only_for_the_member(joined: Path) -> None:
    mara = signed_in(joined, MARA)
    assert mara.get("/statements/2027-01").status_code == 200
    assert mara.get("/statements/2031-01").status_code == 404


def test_a_mailed_sign_in_link_works_once_with_its_code(joined: Path) -> None:
    b = Browser(joined)
    portal = b.client.app.state.portal
    token, code = portal.links.issue(MARA)
    assert b.get(f"/signin/link/{token}").status_code == 200
    assert b.form(f"/signin/link/{token}", f"/signin/link/{token}", {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    r = b.form(f"/signin/link/{token}", f"/signin/link/{token}", {"code": code})
    assert r.status_code == 303 and "Signed in by link" in b.get("/").text
    other = Browser(joined)
    other.client.app.state.portal.links = portal.links
    assert other.get(f"/signin/link/{token}").status_code in (400, 303)
    assert "used or has expired" in Browser(joined).get(f"/signin/link/{token}").text


def test_an_open_redirect_is_not_followed(joined: Path) -> None:
    b = Browser(joined)
    r = b.form("/signin?next=//evil.example", "/signin", {"member": MARA, "credential": secret(MARA), "next": "//evil.example/x"})
    assert r.headers["location"] == "/"


def test_unknown_pages_are_a_page_not_a_traceback(joined: Path) -> None:
    r = signed_in(joined, MARA).get("/nowhere")
    assert r.status_code == 404 and "no such page" in r.text
    assert signed_in(joined, MARA).get("/proposals/P-9").status_code == 400


def test_asking_for_a_sign_in_link_queues_it_and_says_the_same_for_anyone(joined: Path) -> None:
    b = Browser(joined)
    known = b.form("/signin", "/signin/link", {"member": MARA})
    unknown = b.form("/signin", "/signin/link", {"member": "nobody-here"})
    assert known.status_code == unknown.status_code == 303
    assert "If that member id is on the roster" in b.get("/signin").text
    queued = [q for q in kinds(joined, "mail.queued") if q["kind"] == "signin"]
    assert [q["member"] for q in queued] == [MARA]  # the link and its code are in the message file only, never the journal
    [spool] = list((joined / "outbox").glob("*.eml"))
    link = re.search(r"/signin/link/(\S+)", spool.read_text()).group(1)
    assert link not in (joined / "journal.sqlite3").read_bytes().decode("latin-1")
    assert b.get(f"/signin/link/{link}").status_code == 200  # the mailed link opens the code form


def test_signing_out_ends_the_session(joined: Path) -> None:
    b = signed_in(joined, MARA)
    assert b.form("/", "/signout", {}).status_code == 303
    assert b.get("/").status_code == 303


def test_the_propose_menu_lists_the_matters_these_books_decide(joined: Path) -> None:
    page = signed_in(joined, MARA).get("/propose").text
    assert 'href="/propose/onboarding"' in page and 'href="/propose/manual_amendment"' in page and "low_rate" not in page


def test_a_report_for_a_named_cycle_and_a_pdf_when_libreoffice_is_here(joined: Path, coop) -> None:
    import shutil

    mara = signed_in(joined, MARA)
    assert "Transparency report" in mara.get("/report/2027-01").text
    assert mara.get("/report/2027-13").status_code == 400
    ok(coop("contracts", "issue", "--all"))
    books = open_books(joined)
    seq = next(e.seq for e in books.journal.entries(["contract.issued"]) if e.data["provider"] == MARA)
    books.close()
    pdf = mara.get(f"/documents/{seq}.pdf")
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    else:
        assert pdf.status_code == 404 and "LibreOffice is not installed" in pdf.text


def test_members_voting_at_the_same_moment_are_all_recorded(joined: Path, coop) -> None:
    import threading

    from starlette.testclient import TestClient

    from portal.app import create_app

    for m in ("rowan-ellery", "imani-castell", "wes-okafor"):
        code = invite(coop, m)
        Browser(joined).form(f"/join/{m}/{code}", f"/join/{m}/{code}", {"credential": secret(m), "again": secret(m)})
    voters = [MARA, TEO, NOOR, "rowan-ellery", "imani-castell", "wes-okafor"]
    open_onboarding(signed_in(joined, MARA))
    app = create_app(joined, schedule_every=None)  # one server, many members
    browsers = []
    for m in voters:
        b = Browser(joined)
        b.client = TestClient(app, follow_redirects=False)
        b.sign_in(m, secret(m))
        browsers.append(b)
    tokens = [csrf_of(b.get("/proposals/P-1").text) for b in browsers]
    gate, codes = threading.Barrier(len(voters)), [0] * len(voters)

    def vote(i: int) -> None:
        gate.wait()
        r = browsers[i].client.post("/proposals/P-1/ballot", data={"csrf": tokens[i], "choice": "yes", "credential": secret(voters[i])})
        codes[i] = r.status_code

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(len(voters))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [303] * len(voters)
    assert sorted(c["member"] for c in kinds(joined, "ballot.cast")) == sorted(voters)


def test_an_adopted_amendment_shows_the_redline_of_the_version_it_made(joined: Path, coop) -> None:
    from conftest import at

    text = "# Purpose\n\nThe members keep the keys to their own records."
    ok(coop("propose", "manual-amendment", "--summary", "Say who keeps the keys", "--section-text", "purpose", text))
    for m in (MARA, TEO, NOOR):
        ok(coop("vote", "cast", "P-1", "--member", m, "--choice", "yes", env=at("2027-01-16", m)))
    ok(coop("proposal", "close", "P-1", env=at("2027-02-01")))
    page = signed_in(joined, MARA).get("/proposals/P-1").text
    assert "<ins>" in page and "keep the keys" in page
    assert 'href="/manual/redline/1/2"' in signed_in(joined, MARA).get("/manual/2").text


def test_a_request_that_writes_first_closes_the_votes_whose_time_has_come(joined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_onboarding(signed_in(joined, MARA))
    assert kinds(joined, "proposal.result") == []
    monkeypatch.setenv("COOP_NOW", "2027-02-01T09:00:00")  # P-1's last day was 2027-01-28
    signed_in(joined, TEO)  # signing in checks the credential on the books: a request that writes
    [result] = kinds(joined, "proposal.result")
    assert result["closed_by"] == "calendar" and result["outcome"] == "no_quorum"


def test_the_schedule_mails_a_burst_of_writes_in_one_pass_after_it(joined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fifty ballots at one moment poke the schedule fifty times: it waits for the writes to pause, then passes once."""
    import threading
    import time

    from portal import schedule

    passes: list[float] = []
    passed = threading.Event()

    def count(_folder: Path) -> None:
        passes.append(time.monotonic())
        passed.set()

    monkeypatch.setattr(schedule, "settle", count)
    s = schedule.Schedule(joined, every=60.0, quiet=0.5, gather=30.0)
    s.start()
    try:
        assert passed.wait(10)
        passed.clear()
        for _ in range(50):
            s.poke()
            time.sleep(0.005)
        last_poke = time.monotonic()
        assert passed.wait(10), "a poke is followed by a pass"
        time.sleep(1.0)
    finally:
        s.stop()
    assert len(passes) == 2, "one pass on starting, one for the whole burst"
    assert passes[1] >= last_poke + 0.4, "the pass waited for the writes to pause (0.5 s, less the timer's slack)"


def test_a_page_kept_between_requests_shows_a_write_from_the_terminal_at_the_next_read(joined: Path, coop) -> None:
    """The proposal's page is worked out once per state of the books: a ballot cast in the terminal between two
    reads is on the second read, counts and all, and a comment too."""
    from conftest import at

    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    teo = signed_in(joined, TEO)
    first = teo.get("/proposals/P-1").text
    assert first == teo.get("/proposals/P-1").text, "the same books give the same page"
    assert "Ballots on the record" not in first and "No comments yet" in first
    ok(coop("vote", "cast", "P-1", "--member", MARA, "--choice", "no", env=at("2027-01-15", MARA)))
    second = teo.get("/proposals/P-1").text
    assert "Ballots on the record (1)" in second and f"{MARA}: no" in second and "no 1" in second
    ok(coop("proposal", "comment", "P-1", "--member", NOOR, "--text", "Welcome, Ada", env=at("2027-01-15", NOOR)))
    assert "Welcome, Ada" in teo.get("/proposals/P-1").text
    r = teo.form("/proposals/P-1", "/proposals/P-1/ballot", {"choice": "yes", "credential": secret(TEO)})
    assert r.status_code == 303
    third = teo.get("/proposals/P-1").text
    assert "You voted <strong>yes</strong>" in third and "Ballots on the record (2)" in third
    assert "You voted <strong>no</strong>" in mara.get("/proposals/P-1").text, "each member sees their own ballot on the kept page"


def test_a_row_edited_behind_a_kept_page_is_read_afresh_and_every_page_warns(joined: Path) -> None:
    import sqlite3

    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    assert "Welcome Ada Byrne" in mara.get("/proposals/P-1").text  # worked out and kept
    with sqlite3.connect(joined / "journal.sqlite3") as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = replace(data, 'Welcome Ada Byrne', 'Welcome Bo Lind') WHERE kind = 'proposal.opened'")
    page = mara.get("/proposals/P-1").text
    assert "Welcome Bo Lind" in page and "Welcome Ada Byrne" not in page, "the kept page is not served over edited books"
    assert "These books do not hold: the journal&#39;s hash chain is broken" in page and "does not match its hash" in page
    assert "These books do not hold" in mara.get("/roster").text, "every page says so, not only the one kept"


def test_kept_work_is_done_once_per_state_of_the_books(joined: Path, coop) -> None:
    from conftest import at

    from portal.books import kept, reading

    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return len(calls)

    for _ in range(3):
        with reading(joined) as books:
            assert kept(books, ("test", "once"), work) == 1
    ok(coop("member", "invite", "rowan-ellery", env=at("2027-01-15")))
    with reading(joined) as books:
        assert kept(books, ("test", "once"), work) == 2, "a write gives a new state: worked out again"
        assert kept(books, ("test", "other"), work) == 3, "each kind of work is kept apart"


def test_requests_arriving_together_work_a_kept_page_out_once(joined: Path) -> None:
    """Fifty members opening the same page at once wait for the first to work it out; a failure is each one's own."""
    import threading
    import time

    from engine.errors import UserError
    from portal.books import kept, reading

    calls: list[int] = []
    gate = threading.Barrier(8)
    results: list[object] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "page"

    def failing() -> str:
        calls.append(1)
        time.sleep(0.3)
        raise UserError("no proposal P-9")

    def one(work) -> None:
        with reading(joined) as books:
            gate.wait()
            try:
                results.append(kept(books, ("test", work.__name__), work))
            except UserError as exc:
                results.append(exc.message)

    for work, expected_calls, expected in ((slow, 1, "page"), (failing, 8, "no proposal P-9")):
        calls.clear()
        results.clear()
        threads = [threading.Thread(target=one, args=(work,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [expected] * 8
        assert len(calls) == expected_calls


def test_a_thread_keeps_its_journal_open_and_still_reads_every_write(joined: Path, coop, tmp_path: Path) -> None:
    """A server thread reuses its journal connection: a write is seen by the next read, a failed read drops the
    connection, and a journal file moved into place (a restore) is opened afresh, never read through the old one."""
    import sqlite3

    from conftest import at

    from portal.books import reading

    with reading(joined) as books:
        first, conn = books.journal.head(), books.journal.conn
    ok(coop("member", "invite", "rowan-ellery", env=at("2027-01-15")))
    with reading(joined) as books:
        assert books.journal.conn is conn, "the same connection"
        assert books.journal.head()[0] == first[0] + 1, "and the write is seen"
    with pytest.raises(KeyError), reading(joined) as books:
        raise KeyError("a read that fails")
    with reading(joined) as books:
        assert books.journal.conn is not conn, "a failed read drops its connection"
        conn, seen = books.journal.conn, books.journal.head()
    earlier = tmp_path / "earlier.sqlite3"
    with sqlite3.connect(joined / "journal.sqlite3") as source, sqlite3.connect(earlier) as copy:
        source.backup(copy)
    ok(coop("member", "invite", "imani-castell", env=at("2027-01-15")))
    with reading(joined) as books:
        assert books.journal.head()[0] == seen[0] + 1
    earlier.replace(joined / "journal.sqlite3")  # the books as they were, restored over them
    for suffix in ("-wal", "-shm"):
        (joined / f"journal.sqlite3{suffix}").unlink(missing_ok=True)
    with reading(joined) as books:
        assert books.journal.conn is not conn and books.journal.head() == seen, "the restored file is the one read"


def test_no_more_credentials_are_compared_at_once_than_there_are_cores(joined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading
    import time

    from engine.governance import credentials
    from portal.books import compare_credential, reading

    running, most = [0], [0]
    lock = threading.Lock()
    real = credentials.compare

    def counted(books, member, secret):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        try:
            return real(books, member, secret)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(credentials, "compare", counted)
    found: list[bool] = []

    def one(i: int) -> None:
        with reading(joined) as books:
            found.append(compare_credential(books, MARA, secret(MARA) if i % 2 else "a wrong guess").matched)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(found) == [False] * 6 + [True] * 6
    assert 1 <= most[0] <= (os.cpu_count() or 1)


def test_a_kept_page_is_worked_out_again_the_next_day(joined: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mara = signed_in(joined, MARA)
    open_onboarding(mara)
    assert "closes in 14 days" in mara.get("/proposals/P-1").text
    monkeypatch.setenv("COOP_NOW", "2027-01-16T09:00:00")
    assert "closes in 13 days" in mara.get("/proposals/P-1").text, "the same books, another day"
