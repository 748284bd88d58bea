"""``coop serve``: the members' portal over these books."""

from __future__ import annotations

import click

from terminal.params import open_books


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep 127.0.0.1 behind a TLS proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--secure-cookies/--no-secure-cookies", default=None, help="Session cookie over https only (default: when portal.url is https)."
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, secure_cookies: bool | None) -> None:
    """Serve the members' portal: members vote, sign and read their documents from their own phone or laptop."""
    import uvicorn

    from portal.app import create_app

    books = open_books(ctx)
    folder = books.folder
    portal_cfg = getattr(books.federation, "portal", None)
    url = getattr(portal_cfg, "url", "") or f"http://{host}:{port}"
    secure = url.startswith("https://") if secure_cookies is None else secure_cookies
    books.close()
    click.echo(f"Serving the members' portal for {folder} at http://{host}:{port} (members reach it at {url}); Ctrl-C stops it.")
    uvicorn.run(
        create_app(folder, secure=secure),
        host=host,
        port=port,
        access_log=False,  # paths can hold one-time link tokens: they are never logged
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
    )
