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
    import socket

    import uvicorn

    from engine.errors import UserError
    from engine.governance.passkeys import relying_party
    from portal.app import create_app

    books = open_books(ctx)
    folder = books.folder
    url = relying_party(books).origin
    secure = url.startswith("https://") if secure_cookies is None else secure_cookies
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closed connection's TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}", field="--port", expected="a free port, e.g. 8080") from None
    books.close()
    click.echo(f"Serving the members' portal for {folder} on {host}:{port}; Ctrl-C stops it.")
    click.echo(f"Members open {url} (portal.url in federation.yaml; passkeys work at that address only).")
    uvicorn.run(
        create_app(folder, secure=secure),
        host=host,
        port=port,
        access_log=False,  # paths can hold one-time link tokens: they are never logged
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
    )
