"""A member's browser at the HTTP level: the portal app in-process, with cookies and the CSRF token each page carries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from portal.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:2000]
    return found.group(1)


class Browser:
    """One member's browser: its own cookie jar."""

    def __init__(self, folder: Path, **kw: Any) -> None:
        self.client = TestClient(create_app(folder, schedule_every=None, **kw), follow_redirects=False)

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def form(self, page: str, action: str, data: dict[str, str], **kw: Any) -> Any:
        """Open ``page``, then send its form to ``action`` with the page's CSRF token, as a browser would."""
        html = self.client.get(page).text
        return self.client.post(action, data={"csrf": csrf_of(html), **data}, **kw)

    def json(self, page: str, action: str, body: dict[str, Any]) -> Any:
        html = self.client.get(page).text
        token = csrf_of(html)
        return self.client.post(action, json={"csrf": token, **body}, headers={"X-CSRF-Token": token, "Accept": "application/json"})

    def sign_in(self, member: str, credential: str) -> Any:
        r = self.form("/signin", "/signin", {"member": member, "credential": credential})
        assert r.status_code == 303, r.text
        return r
