"""Sending the outbox through the co-op's mail server with the standard library's smtplib.

Each message's outcome is its own small transaction (``mail.sent`` or
``mail.failed``), written right after the server answered, so a crash in a
long batch re-sends at most the one message it was sending: mail is
delivered at least once, never silently dropped. A message whose spool file
no longer matches the body hash journaled when it was queued is refused,
not sent: whoever holds the folder cannot change a text the co-op mailed.
"""

from __future__ import annotations

import fcntl
import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.mail import MailSettings, of, password
from engine.mail import outbox

TIMEOUT_SECONDS = 15
REASON_CHARS = 200


def flush(books: Books, *, now: datetime | None = None) -> list[Entry]:
    """Send every message queued or failed and not yet given up; the ``mail.sent``/``mail.failed`` entries written.

    Nothing is sent when mail is off (no ``mail:`` block): the messages wait.
    """
    settings = of(books)
    if settings is None:
        return []
    secret = password(settings)
    moment = now or clock.now()
    done: list[Entry] = []
    with _one_sender(books):
        with books.transaction():  # the write lock: no other command is midway through queuing
            outbox.sweep(books)
            due = [m for m in outbox.messages(books) if m.retryable]
        if not due:
            return []
        server: smtplib.SMTP | None = None
        down: str | None = None
        try:
            for mail in due:
                problem = _tampered(books, mail)
                if problem is not None:
                    done.append(_record(books, mail, moment, problem, refused=True))
                    continue
                if server is None and down is None:
                    try:
                        server = _connect(settings, secret)
                    except smtplib.SMTPAuthenticationError as exc:
                        down = _reason(exc, settings, secret, "the mail server refused the login")
                    except (OSError, smtplib.SMTPException) as exc:
                        down = _reason(exc, settings, secret, "cannot reach the mail server")
                if down is not None or server is None:
                    done.append(_record(books, mail, moment, down or "no connection"))
                    continue
                try:
                    sent = _as_sent(books, mail, settings, moment)
                    server.send_message(sent, from_addr=settings.sender, to_addrs=[str(sent["To"])])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    done.append(_record(books, mail, moment, _reason(exc, settings, secret, "the server refused the message")))
                except (OSError, smtplib.SMTPException) as exc:
                    down = _reason(exc, settings, secret, "the connection to the mail server was lost")
                    done.append(_record(books, mail, moment, down))
                    server = None
                else:
                    done.append(_record(books, mail, moment, None))
                    if mail.secret:
                        outbox.spool_path(books, mail.seq).unlink(missing_ok=True)
        finally:
            if server is not None:
                with suppress(OSError, smtplib.SMTPException):
                    server.quit()
    return done


@contextmanager
def _one_sender(books: Books) -> Iterator[None]:
    """One flush at a time per books: a second waits, then sees what the first sent, and sends nothing twice."""
    place = outbox.folder(books)
    place.mkdir(mode=0o700, exist_ok=True)
    with open(place / ".sending.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield


def _record(books: Books, mail: outbox.Mail, moment: datetime, reason: str | None, *, refused: bool = False) -> Entry:
    with books.transaction() as w:
        if reason is None:
            return w.append(outbox.SENT, moment.date(), {"queued": mail.seq})
        data: dict[str, object] = {"queued": mail.seq, "reason": reason, "attempt": mail.attempts + (0 if refused else 1)}
        if refused:
            data["refused"] = True
        return w.append(outbox.FAILED, moment.date(), data)


def _read(books: Books, mail: outbox.Mail) -> EmailMessage | None:
    try:
        raw = outbox.spool_path(books, mail.seq).read_bytes()
    except OSError:
        return None
    msg = message_from_bytes(raw, policy=outbox.POLICY)
    return msg if isinstance(msg, EmailMessage) else None


def _tampered(books: Books, mail: outbox.Mail) -> str | None:
    """Why the spool file is not the message that was queued, or None."""
    msg = _read(books, mail)
    if msg is None:
        return f"the message's file outbox/{mail.seq}.eml is missing"
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else None
    if not isinstance(text, str) or outbox.body_digest(text) != mail.entry.data["body_sha256"]:
        return f"outbox/{mail.seq}.eml was changed after it was queued: its body no longer matches the SHA-256 journaled"
    if mail.sealed:
        seal = msg["X-Coop-Seal"]
        to_ok = seal is not None and outbox.sealed_digest(str(seal), str(msg["To"])) == mail.entry.data.get("to_sealed")
    else:
        to_ok = msg["To"] == mail.to
    if not to_ok or msg["Subject"] != mail.subject:
        return f"outbox/{mail.seq}.eml was changed after it was queued: its recipient or subject differs from the journal's"
    return None


def _as_sent(books: Books, mail: outbox.Mail, settings: MailSettings, moment: datetime) -> EmailMessage:
    """The spooled message with the sender in force and the two headers that name the moment it leaves."""
    msg = _read(books, mail)
    assert msg is not None  # checked by _tampered
    del msg["From"]
    msg["From"] = settings.sender
    msg["Date"] = format_datetime(moment if moment.tzinfo else moment.astimezone())
    msg["Message-ID"] = make_msgid(idstring=f"coop-{mail.seq}", domain=settings.sender.rpartition("@")[2])
    return msg


def _connect(settings: MailSettings, secret: str | None) -> smtplib.SMTP:
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if settings.tls == "ssl":
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.tls == "starttls":
            server.starttls(context=context)
        if settings.username is not None:
            server.login(settings.username, secret or "")
    except BaseException:
        server.close()
        raise
    return server


def _reason(exc: BaseException, settings: MailSettings, secret: str | None, what: str) -> str:
    """One line saying what went wrong, never holding the password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{to}: {code} {_text(msg)}" for to, (code, msg) in sorted(exc.recipients.items()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, OSError) and exc.strerror:
        detail = exc.strerror
    else:
        detail = str(exc) or type(exc).__name__
    line = re.sub(r"\s+", " ", f"{what} ({settings.host}:{settings.port}): {detail}").strip()
    if secret:
        line = line.replace(secret, "***")
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 3] + "..."


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
