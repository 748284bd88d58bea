"""The portal in a real browser: Debian's Chromium, driven by Playwright, with a virtual authenticator for passkeys.

A member accepts an invitation mailed to a local SMTP server and enrols a
passkey, reads an amendment's redline and votes with the passkey; the
receipt arrives by mail and ``coop audit verify`` checks the signature.
Another member signs their agreement. Phone-width screenshots of the main
pages land in tests/output/screens for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from conftest import ok

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("browser tests skipped: Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="browser tests skipped: playwright is not installed")
aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="browser tests skipped: aiosmtpd is not installed")

SCREENS = Path(__file__).parent / "output" / "screens"
MARA, TEO = "mara-quist", "teo-abernathy"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, subject_part: str, timeout: float = 20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for m in self.messages:
                if to in m["To"] and subject_part.lower() in m["Subject"].lower():
                    return m
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} about {subject_part!r}: {[(m['To'], m['Subject']) for m in self.messages]}")


def body(message) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    payload = (part or message).get_payload(decode=True)
    return payload.decode("utf-8") if isinstance(payload, bytes) else str((part or message).get_payload())


@pytest.fixture
def served(books_dir: Path, coop, monkeypatch: pytest.MonkeyPatch):
    """The books with mail set to a local SMTP server and the portal served by uvicorn on loopback."""
    import uvicorn
    from aiosmtpd.controller import Controller

    from portal.app import create_app

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    config = books_dir / "federation.yaml"
    text = config.read_text(encoding="utf-8")
    text += f"\nportal:\n  url: http://localhost:{port}\nmail:\n  host: 127.0.0.1\n  port: {smtp_port}\n  from: office@juniper.example\n  tls: none\n"
    config.write_text(text, encoding="utf-8")
    server = uvicorn.Server(uvicorn.Config(create_app(books_dir, schedule_every=0.5), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://localhost:{port}", inbox
    server.should_exit = True
    thread.join(timeout=10)
    controller.stop()


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_a_member_enrols_a_passkey_votes_with_it_and_another_signs(served, books_dir: Path, coop) -> None:
    from playwright.sync_api import sync_playwright

    url, inbox = served
    ok(coop("member", "invite", MARA, "--mail"))
    ok(coop("mail", "send"))
    invitation = inbox.wait_for("mara@", "invit")
    link = re.search(r"http://localhost:\d+/join/\S+", body(invitation)).group(0)
    ok(coop("contracts", "issue", "--all"))
    ok(
        coop(
            "propose",
            "manual-amendment",
            "--summary",
            "Say who keeps the keys",
            "--section-text",
            "purpose",
            "# Purpose\n\nThe members keep the keys to their own records.",
        )
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
            },
        )
        page.goto(link)
        shot(page, "01-invitation")
        page.click("#passkey-enrol")
        page.wait_for_url(url + "/")
        shot(page, "02-needs-my-vote")
        page.click("text=P-1")
        page.wait_for_selector("ins")
        shot(page, "03-proposal-redline")
        page.check("input[name=choice][value=yes]")
        page.click("#passkey-ballot")
        page.wait_for_selector("text=Your ballot on P-1 is recorded")
        shot(page, "04-receipt")
        receipt = re.search(r"Receipt: ([0-9a-f]{64})", page.content()).group(1)
        page.goto(url + "/manual")
        shot(page, "05-manual")
        page.goto(url + "/documents")
        shot(page, "06-documents")
        page.goto(url + "/report")
        shot(page, "07-report")

        # Another member, without JavaScript, signs in with a credential and signs their agreement.
        ok(coop("member", "invite", TEO, "--mail"))
        ok(coop("mail", "send"))
        teo_link = re.search(r"http://localhost:\d+/join/\S+", body(inbox.wait_for("teo@", "invit"))).group(0)
        plain = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        teo = plain.new_page()
        teo.goto(teo_link)
        teo.fill("input[name=credential]", "pass-teo-abernathy-2027")
        teo.fill("input[name=again]", "pass-teo-abernathy-2027")
        teo.click("text=Set my credential")
        teo.goto(url + "/documents")
        teo.click("text=Read and sign")
        shot(teo, "08-sign")
        teo.fill("input[name=name]", "Teo Abernathy")
        teo.fill("input[name=credential]", "pass-teo-abernathy-2027")
        teo.click("text=Sign with my credential")
        teo.wait_for_selector("text=Signed")
        shot(teo, "09-signed")
        browser.close()

    mail = inbox.wait_for("mara@", "receipt")
    assert receipt in body(mail)
    verified = ok(coop("audit", "verify")).output
    assert "OK" in verified and re.search(r"1 passkey", verified), verified
    status = ok(coop("contracts", "status")).output
    assert TEO in status
