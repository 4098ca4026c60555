"""Every ``tremplin`` command that touches an instance takes ``--instance DOSSIER``.

``run`` and ``serve`` are started for real, on a free port of 127.0.0.1, and stopped
once they have answered.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from mailserver import free_port

from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_COMMANDS = {"run", "serve", "export", "purge", "mail-retry", "backup"}
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def tremplin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=120)


@contextlib.contextmanager
def server(*args: str):
    """``tremplin ARGS`` serving; yields its first line (printed once it listens)."""
    process = subprocess.Popen([sys.executable, "-m", "builder.cli", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
    try:
        yield process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()


def published_ids(database: Path) -> set[str]:
    """The services published in the SQLite file ``database``."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT service_id FROM published_services")}


def test_every_command_that_touches_an_instance_takes_instance():
    for name in INSTANCE_COMMANDS:
        assert "--instance" in {opt for param in main.commands[name].params for opt in param.opts}, name


def test_run_keeps_its_data_in_the_instance_given(tmp_path):
    instance, port = tmp_path / "asso", free_port()
    with server("run", "--port", str(port), "--instance", str(instance)) as first_line:
        assert first_line.startswith(f"Tremplin : http://127.0.0.1:{port}/")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/s/avis/", timeout=30) as response:
            assert response.status == 200
    assert "avis" in published_ids(instance / "tremplin.sqlite3")


def test_serve_keeps_its_data_in_the_instance_given(tmp_path):
    instance, port = tmp_path / "asso", free_port()
    with server("--lang", "en", "serve", str(ROOT / "examples" / "avis.yaml"), "--port", str(port),
                "--instance", str(instance)) as first_line:
        assert first_line.startswith(f"Service online: http://127.0.0.1:{port}/")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            assert response.read() == b"ok"
    assert (instance / "tremplin.sqlite3").exists()


def test_a_port_already_taken_is_said_plainly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = tremplin("run", "--port", str(taken.getsockname()[1]), "--instance", str(tmp_path))
    assert result.returncode == 1
    assert "Impossible d'écouter sur 127.0.0.1:" in result.stderr and "le port est déjà pris" in result.stderr
    assert "--port 8080" in result.stderr and "Address already in use" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["purge"], ["mail-retry"], ["export", "avis", "-o", "-"]])
def test_the_other_commands_read_the_instance_given(tmp_path, command):
    instance = tmp_path / "asso"
    instance.mkdir()
    result = tremplin(*command, "--instance", str(instance))
    assert (instance / "tremplin.sqlite3").exists(), result.stderr
    if command[0] == "export":  # nothing was published in this instance
        assert f"Aucun service « avis » n'a été publié dans {instance / 'tremplin.sqlite3'}" in result.stderr
    else:
        assert result.returncode == 0, result.stderr


def test_backup_copies_the_database_of_the_instance_given(tmp_path):
    instance, copy = tmp_path / "asso", tmp_path / "sauvegarde.sqlite3"
    port = free_port()
    with server("run", "--port", str(port), "--instance", str(instance)):  # serving meanwhile
        result = tremplin("backup", str(copy), "--instance", str(instance))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Base {instance / 'tremplin.sqlite3'} copiée dans {copy}.\n"
    assert "avis" in published_ids(copy)


def test_backup_never_writes_over_a_file(tmp_path):
    existing = tmp_path / "sauvegarde.sqlite3"
    existing.write_text("à garder", encoding="utf-8")
    result = tremplin("backup", str(existing), "--instance", str(tmp_path))
    assert result.returncode == 1 and "existe déjà" in result.stderr
    assert existing.read_text(encoding="utf-8") == "à garder"
