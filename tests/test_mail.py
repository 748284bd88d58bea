"""Mail: the outbox in the journal, delivered by smtplib to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import Result
from conftest import _enrol, at, ok

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]
ADDRESS = {
    "rowan-ellery": "rowan@juniperstreet.example",
    "mara-quist": "mara@quistfamily.example",
    "teo-abernathy": "teo@abernathy.example",
    "imani-castell": "imani@castell.example",
    "noor-haddad": "noor@haddadtherapy.example",
    "wes-okafor": "wes@okaformb.example",
}
PASSWORD = "smtp-Pa55-word-7731"


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        self.received.append((list(envelope.rcpt_tos), msg))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]

    def recipients(self, kind: str) -> set[str]:
        return {r for rcpt, m in self.received if m["X-Coop-Kind"] == kind for r in rcpt}

    def text(self, msg: EmailMessage) -> str:
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real SMTP server on a free local port, started and stopped by the test."""

    def __init__(self, port: int, **options: object) -> None:
        self.port = port
        self.inbox = Inbox()
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> Server:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server(free_port()).start()
    yield s
    s.stop()


def mail_block(port: int, **extra: str) -> str:
    lines = ["mail:", "  host: 127.0.0.1", f"  port: {port}", "  from: coop@alder.example", "  tls: none"]
    return "\n".join(lines + [f"  {k}: {v}" for k, v in extra.items()]) + "\n"


def set_mail(books_dir: Path, block: str, coop: Coop | None = None) -> None:
    """Add the mail block to federation.yaml; once the books are sealed, record the edit as a member of staff would."""
    path = books_dir / "federation.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + block, encoding="utf-8")
    if coop is not None:
        ok(coop("audit", "seal", "--reason", "the co-op's mail server"))


def outbox(coop: Coop) -> list[dict]:
    return json.loads(ok(coop("mail", "list", "--json")).output)


def journal_bytes(books_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in books_dir.glob("journal.sqlite3*"))


def enrol_all(coop: Coop) -> None:
    for m in MEMBERS:
        ok(_enrol(coop, m, env=at("2027-01-04", m)))


def vote(coop: Coop, day: str, pid: str, member: str, choice: str = "yes") -> Result:
    return coop("vote", "cast", pid, "--member", member, "--choice", choice, env=at(day, member))


# --- invitations -------------------------------------------------------------------------------


def test_an_invitation_arrives_with_its_link_and_the_code_never_reaches_the_journal(coop: Coop, books_dir: Path, server: Server) -> None:
    set_mail(books_dir, mail_block(server.port))
    out = ok(coop("member", "invite", "mara-quist", env=at("2027-01-04"))).output
    assert "queued for mara@quistfamily.example" in out and "mail send" in out
    [queued] = outbox(coop)
    assert (queued["state"], queued["kind"], queued["attempts"]) == ("queued", "invitation", 0)
    spool = books_dir / "outbox" / f"{queued['seq']}.eml"
    assert spool.stat().st_mode & 0o777 == 0o600

    sent = ok(coop("mail", "send", env=at("2027-01-04"))).output
    assert "Sent 1, failed 0." in sent
    [msg] = server.inbox.to("mara@quistfamily.example")
    body = server.inbox.text(msg)
    link = re.search(r"http://localhost:8000/join/mara-quist/(\S+)", body)
    assert link is not None, body
    code = link.group(1)
    assert f"invitation code when asked: {code}" in body
    assert msg["From"] == "coop@alder.example" and msg["Date"] and msg["Message-ID"]
    assert not spool.exists(), "a one-time code's file is deleted once sent"
    assert code.encode() not in journal_bytes(books_dir) and code not in out + sent
    # The mailed code works, once.
    ok(coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-04", "mara-quist")))
    [row] = outbox(coop)
    assert (row["state"], row["attempts"]) == ("sent", 1)
    assert "Sent 0, failed 0." in ok(coop("mail", "send", env=at("2027-01-05"))).output, "a sent message is not sent again"
    assert len(server.inbox.received) == 1


def test_without_a_mail_server_the_code_is_printed_and_send_says_so_in_one_line(coop: Coop, books_dir: Path) -> None:
    out = ok(coop("member", "invite", "mara-quist", env=at("2027-01-04"))).output
    assert "Give this code to them alone" in out and "queued" not in out
    refused = coop("member", "invite", "teo-abernathy", "--mail", env=at("2027-01-04"))
    assert refused.exit_code == 2 and "no mail server is set" in refused.output and len(refused.output.splitlines()) == 1
    result = ok(coop("mail", "send", env=at("2027-01-04")))
    assert "No mail server is set" in result.output
    assert not (books_dir / "outbox").exists()


def test_no_mail_keeps_handing_the_code_over(coop: Coop, books_dir: Path, server: Server) -> None:
    set_mail(books_dir, mail_block(server.port))
    out = ok(coop("member", "invite", "mara-quist", "--no-mail", env=at("2027-01-04"))).output
    assert "Give this code to them alone" in out
    assert outbox(coop) == []


# --- derived from the journal --------------------------------------------------------------------


def test_a_proposal_is_mailed_to_the_eligible_and_the_reminder_skips_who_voted(coop: Coop, books_dir: Path, server: Server) -> None:
    enrol_all(coop)
    set_mail(books_dir, mail_block(server.port), coop)
    ok(coop("provider", "leave", "wes-okafor", "--on", "2027-01-20", env=at("2027-01-20")))
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")))  # voting 2027-02-01 .. 2027-02-14
    ok(coop("mail", "send", env=at("2027-02-01")))
    eligible = {ADDRESS[m] for m in MEMBERS if m != "wes-okafor"}
    assert server.inbox.recipients("proposal.opened") == eligible, "a member who left is not mailed"
    [notice] = server.inbox.to("mara@quistfamily.example")
    assert "http://localhost:8000/proposals/P-1" in server.inbox.text(notice) and "2027-02-14" in server.inbox.text(notice)

    ok(vote(coop, "2027-02-03", "P-1", "mara-quist"))
    ok(vote(coop, "2027-02-03", "P-1", "teo-abernathy"))
    before = len(server.inbox.received)
    early = ok(coop("mail", "send", env=at("2027-02-11"))).output
    assert server.inbox.recipients("proposal.reminder") == set(), early
    assert len(server.inbox.received) == before + 2, "only the two ballot receipts"
    ok(coop("mail", "send", env=at("2027-02-12")))  # two days before the deadline
    waiting = {ADDRESS[m] for m in ("rowan-ellery", "imani-castell", "noor-haddad")}
    assert server.inbox.recipients("proposal.reminder") == waiting
    again = ok(coop("mail", "send", env=at("2027-02-13"))).output
    assert "Queued 0 message(s)" in again, "each message is queued once"


def test_a_ballot_receipt_arrives_with_the_receipt_and_a_result_follows(coop: Coop, books_dir: Path, server: Server) -> None:
    enrol_all(coop)
    set_mail(books_dir, mail_block(server.port), coop)
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")))
    ok(vote(coop, "2027-02-02", "P-1", "noor-haddad", "yes"))
    from engine.books.folder import open_books

    books = open_books(books_dir)
    [ballot] = books.journal.entries(["ballot.cast"])
    books.close()
    ok(coop("mail", "send", env=at("2027-02-02")))
    [receipt] = [m for m in server.inbox.to(ADDRESS["noor-haddad"]) if m["X-Coop-Kind"] == "ballot.receipt"]
    text = server.inbox.text(receipt)
    assert f"Receipt: {ballot.hash}" in text and "Your choice: yes" in text
    assert server.inbox.recipients("ballot.receipt") == {ADDRESS["noor-haddad"]}
    for m in MEMBERS:
        if m != "noor-haddad":
            ok(vote(coop, "2027-02-03", "P-1", m, "yes"))
    ok(coop("proposal", "close", "P-1", env=at("2027-02-15")))
    ok(coop("mail", "send", env=at("2027-02-15")))
    assert server.inbox.recipients("proposal.result") == set(ADDRESS.values())
    [result] = [m for m in server.inbox.to(ADDRESS["rowan-ellery"]) if m["X-Coop-Kind"] == "proposal.result"]
    assert "passed" in result["Subject"]


def test_a_secret_ballots_receipt_holds_no_choice(coop: Coop, books_dir: Path, server: Server) -> None:
    enrol_all(coop)
    set_mail(books_dir, mail_block(server.port), coop)
    statement = ("--grounds", "refusal", "--statement", "Refused the intake procedure")
    ok(coop("propose", "termination", "wes-okafor", "--last-day", "2027-06-30", *statement, env=at("2027-02-01")))
    from engine.books.folder import open_books

    books = open_books(books_dir)
    from engine.governance.proposals import load

    opens = load(books, "P-1").voting_opens.isoformat()
    books.close()
    ok(vote(coop, opens, "P-1", "mara-quist", "yes"))
    ok(coop("mail", "send", env=at(opens)))
    [receipt] = [m for m in server.inbox.to(ADDRESS["mara-quist"]) if m["X-Coop-Kind"] == "ballot.receipt"]
    text = server.inbox.text(receipt)
    assert "Receipt: " in text and "Your choice" not in text and " yes" not in text
    assert receipt["Subject"] == "Your ballot receipt"
    books = open_books(books_dir)
    queued = [e.data for e in books.journal.entries(["mail.queued"]) if e.data["kind"] == "ballot.receipt"]
    books.close()
    assert queued and all(q["to"] is None and q["member"] is None for q in queued), queued  # the journal does not say who voted
    assert not any(addr in str(queued) for addr in ADDRESS.values())
    assert ADDRESS["wes-okafor"] not in server.inbox.recipients("proposal.opened"), "the subject of a termination is recused"


def test_an_issued_agreement_is_mailed_to_its_provider(coop: Coop, books_dir: Path, server: Server) -> None:
    set_mail(books_dir, mail_block(server.port))
    ok(coop("contracts", "issue", "mara-quist", env=at("2027-01-10")))
    ok(coop("mail", "send", env=at("2027-01-10")))
    [msg] = server.inbox.to(ADDRESS["mara-quist"])
    assert msg["X-Coop-Kind"] == "document.issued" and "agreement to sign" in msg["Subject"]
    assert "http://localhost:8000/documents" in server.inbox.text(msg)


def test_with_mail_off_what_is_due_still_waits_in_the_outbox_byte_for_byte(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main
    from engine.books.founding import create_books
    from engine.models.federation.demo import founding_text

    spooled = []
    for name in ("one", "two"):
        folder = tmp_path / name
        create_books(folder, text=founding_text())
        run = CliRunner()
        ok(run.invoke(main, ["--books", str(folder), "contracts", "issue", "mara-quist"], env=at("2027-01-10")))
        sent = ok(run.invoke(main, ["--books", str(folder), "mail", "send"], env=at("2027-01-10")))
        assert "Queued 1 message(s)." in sent.output and "No mail server is set" in sent.output and "1 message(s) wait" in sent.output
        [spool] = (folder / "outbox").glob("*.eml")
        spooled.append(spool.read_bytes())
    assert spooled[0] == spooled[1], "the same books give the same message"
    assert b"Date:" not in spooled[0] and b"Message-ID:" not in spooled[0]


# --- delivery ----------------------------------------------------------------------------------


def test_a_server_down_is_recorded_as_failed_and_retried_until_sent(coop: Coop, books_dir: Path) -> None:
    port = free_port()
    set_mail(books_dir, mail_block(port))
    ok(coop("contracts", "issue", "mara-quist", env=at("2027-01-10")))
    down = coop("mail", "send", env=at("2027-01-10"))
    assert down.exit_code == 2 and "Traceback" not in down.output
    error = [line for line in down.output.splitlines() if line.startswith("coop: error:")]
    assert len(error) == 1 and f"cannot reach the mail server (127.0.0.1:{port})" in error[0]
    [row] = outbox(coop)
    assert (row["state"], row["attempts"]) == ("failed", 1) and "cannot reach" in row["reason"]
    server = Server(port).start()
    try:
        ok(coop("mail", "send", env=at("2027-01-11")))
    finally:
        server.stop()
    [row] = outbox(coop)
    assert (row["state"], row["attempts"], row["reason"]) == ("sent", 2, "")
    assert len(server.inbox.to(ADDRESS["mara-quist"])) == 1
    from engine.books.folder import open_books

    books = open_books(books_dir)
    kinds = [e.kind for e in books.journal.entries(["mail.queued", "mail.sent", "mail.failed"])]
    books.close()
    assert kinds == ["mail.queued", "mail.failed", "mail.sent"]


def test_a_message_is_given_up_after_its_attempts(coop: Coop, books_dir: Path) -> None:
    from engine.mail.outbox import MAX_ATTEMPTS

    set_mail(books_dir, mail_block(free_port()))
    ok(coop("contracts", "issue", "mara-quist", env=at("2027-01-10")))
    for _ in range(MAX_ATTEMPTS):
        assert coop("mail", "send", env=at("2027-01-10")).exit_code == 2
    [row] = outbox(coop)
    assert (row["state"], row["attempts"]) == ("given up", MAX_ATTEMPTS)
    assert "Sent 0, failed 0." in ok(coop("mail", "send", env=at("2027-01-11"))).output


def test_a_changed_message_is_refused_not_sent(coop: Coop, books_dir: Path, server: Server) -> None:
    set_mail(books_dir, mail_block(server.port))
    ok(coop("member", "invite", "mara-quist", env=at("2027-01-10")))
    [row] = outbox(coop)
    spool = books_dir / "outbox" / f"{row['seq']}.eml"
    original = spool.read_bytes()
    spool.write_bytes(original.replace(b"Open this link", b"Reply with your code, or open this link"))
    assert spool.read_bytes() != original
    refused = coop("mail", "send", env=at("2027-01-10"))
    assert refused.exit_code == 2 and "no longer matches" in refused.output
    assert server.inbox.received == []
    [row] = outbox(coop)
    assert row["state"] == "refused" and "SHA-256" in row["reason"]
    assert "Sent 0, failed 0." in ok(coop("mail", "send", env=at("2027-01-11"))).output, "refused for good, not retried"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def test_a_login_takes_the_password_from_the_environment_only(coop: Coop, books_dir: Path) -> None:
    logins: list[str] = []

    def check(server: object, session: object, envelope: object, mechanism: str, auth_data: object) -> AuthResult:
        logins.append(mechanism)
        good = isinstance(auth_data, LoginPassword) and _text(auth_data.login) == "coop" and _text(auth_data.password) == PASSWORD
        return AuthResult(success=good)

    server = Server(free_port(), authenticator=check, auth_require_tls=False, auth_required=True, auth_exclude_mechanism=["LOGIN"]).start()
    try:
        set_mail(books_dir, mail_block(server.port, username="coop"))
        ok(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
        missing = coop("mail", "send", env=at("2027-01-04"))
        assert missing.exit_code == 2 and "COOP_SMTP_PASSWORD" in missing.output
        assert outbox(coop)[0]["attempts"] == 0, "nothing is tried without the password"
        ok(coop("mail", "send", env={**at("2027-01-04"), "COOP_SMTP_PASSWORD": PASSWORD}))
    finally:
        server.stop()
    assert len(server.inbox.to(ADDRESS["mara-quist"])) == 1 and logins == ["PLAIN"]
    assert PASSWORD.encode() not in journal_bytes(books_dir)
    assert PASSWORD not in (books_dir / "federation.yaml").read_text(encoding="utf-8")


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "field", "says"),
    [
        (mail_block(25).replace("tls: none", "tls: tlsv9"), "mail.tls", "not allowed"),
        (mail_block(0), "mail.port", "greater than or equal to 1"),
        (mail_block(25).replace("coop@alder.example", "coop at alder"), "mail.from", "an email address"),
        (mail_block(25, password="hunter2"), "mail", "COOP_SMTP_PASSWORD"),
        (mail_block(25, retries="3"), "mail.retries", "unknown key"),
        (mail_block(25, username="coop").replace("127.0.0.1", "smtp.example.org"), "mail", "unencrypted"),
        (mail_block(25).replace("  host: 127.0.0.1\n", ""), "mail.host", "missing"),
    ],
)
def test_bad_mail_settings_are_one_line_naming_the_field(coop: Coop, books_dir: Path, block: str, field: str, says: str) -> None:
    set_mail(books_dir, block)
    result = coop("mail", "list")
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert f"field {field}" in line or f"{field}:" in line or f" {field} " in line, line
    assert says in line and "hunter2" not in line


def test_starttls_against_a_server_without_it_fails_in_one_line(coop: Coop, books_dir: Path, server: Server) -> None:
    set_mail(books_dir, mail_block(server.port).replace("tls: none", "tls: starttls"))
    ok(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    result = coop("mail", "send", env=at("2027-01-04"))
    assert result.exit_code == 2 and "STARTTLS extension not supported" in result.output
    assert server.inbox.received == [] and outbox(coop)[0]["state"] == "failed"


def test_a_signin_link_is_mailed_and_neither_token_nor_code_is_journaled(books_dir: Path, server: Server) -> None:
    from engine.books.folder import open_books
    from engine.mail import delivery, messages

    set_mail(books_dir, mail_block(server.port))
    token, code = "tok-8f3a1c9e2b7d4a60", "KXQ-7RWZ"
    books = open_books(books_dir, for_writing=True)
    try:
        with books.transaction() as w:
            entry = messages.signin_link(w, books, "teo-abernathy", token, code)
            assert messages.signin_link(w, books, "teo-abernathy", token, code) == entry, "the same token is mailed once"
        [sent] = delivery.flush(books)
        assert sent.kind == "mail.sent" and sent.data == {"queued": entry.seq}
    finally:
        books.close()
    [msg] = server.inbox.to(ADDRESS["teo-abernathy"])
    text = server.inbox.text(msg)
    assert f"http://localhost:8000/signin/link/{token}" in text and f"type this code: {code}" in text
    data = journal_bytes(books_dir)
    assert token.encode() not in data and code.encode() not in data
    assert not (books_dir / "outbox" / f"{entry.seq}.eml").exists()
