"""Start Tremplin from the command line: one service file, or every published service."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

from typing import Any, Mapping

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from builder.app import create_app
from builder.db import connect
from builder.format.loader import ServiceFileError, load_service
from builder.storage import services as published

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LOCAL = {"SESSION_COOKIE_SECURE": False}  # served over plain http on this machine or the local network


def serve_app(path: str, settings: Mapping[str, Any] | None = None) -> Flask:
    """An application serving the one service file at ``path`` at /."""
    return create_app({**LOCAL, **(settings or {}), "SERVE_FILE": os.path.abspath(path)})


def publish_files(app: Flask, paths: list[Path]) -> list[str]:
    """Publish each valid file whose text differs from its live version; return their ids."""
    done = []
    with contextlib.closing(connect(app.config["DATABASE"])) as database:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            try:
                service = load_service(path)
            except ServiceFileError:
                continue
            live = published.get_published(database, service.id)
            if live is None or live.yaml != text:
                published.publish(database, service.id, text)
            done.append(service.id)
    return done


def run_app(examples: Path | None = EXAMPLES, settings: Mapping[str, Any] | None = None) -> Flask:
    """An application serving every published service, the examples published first."""
    app = create_app({**LOCAL, **(settings or {})})
    if examples is not None and examples.is_dir():
        publish_files(app, sorted(examples.glob("*.yaml")))
    return app


def listening_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """Werkzeug's threaded server for ``app``, listening already; ``serve_forever()``
    serves until Ctrl+C.

    The socket is opened here, so that a port already taken raises ``OSError`` (Werkzeug
    would print its own English words and exit); and, unlike ``app.run``, nothing is
    printed: the command line says where it listens, in its language.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_server((host, port), family=family) as listening:
        return make_server(host, port, app, threaded=True, fd=listening.fileno())
