"""A throwaway PostgreSQL server for the tests and benchmarks: Debian's binaries, a
temporary folder, a unix socket in it, and nothing left behind.

PostgreSQL refuses to run as root: when this runs as root, the server runs as the
``postgres`` user that Debian's package creates (``runuser``), in a folder it owns.
``./scripts/test`` installs the package when it is missing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import psycopg

# Settings for a server that only tests use. ``fsync=off`` spares the disk in the test suite
# (the tests kill application servers, never PostgreSQL); the benchmark keeps every setting
# of a real server (``durable=True``).
FAST_SETTINGS = {"fsync": "off", "full_page_writes": "off"}


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest version installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(Path(path).parts[4]))
    return Path(found[-1]).parent if found else None


def _runuser() -> str:
    """util-linux's ``runuser``, found even when ``PATH`` lacks the ``sbin`` folders."""
    found = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError("runuser is missing (util-linux): PostgreSQL cannot run as root")
    return found


class PostgresServer:
    """A PostgreSQL server in ``folder`` (see the module docstring); :meth:`stop` ends it."""

    def __init__(self, folder: Path, *, durable: bool = False, max_connections: int = 200) -> None:
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.user = "postgres" if os.geteuid() == 0 else None
        settings = {"listen_addresses": "''", "unix_socket_directories": f"'{self.socket_dir}'",
                    "max_connections": str(max_connections), "shared_buffers": "'256MB'",
                    **({} if durable else FAST_SETTINGS)}
        self._prepare_folder()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def _prepare_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self.folder.chmod(0o755)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user:
            command = [_runuser(), "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.folder)

    def url(self, database: str = "postgres", **options: str) -> str:
        """The URL of ``database`` on this server (``options`` become query parameters)."""
        query = "&".join([f"host={self.socket_dir}", *(f"{key}={value}" for key, value in options.items())])
        return f"postgresql://postgres@/{database}?{query}"

    def create_database(self, name: str) -> str:
        """Create an empty database ``name`` and return its URL."""
        with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def create_schema(self, name: str, database: str = "postgres") -> str:
        """Create an empty schema ``name`` and return a URL whose tables go in it (fast: no new database)."""
        with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname=database, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return self.url(database, options=f"-csearch_path%3D{name}")

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A server for the length of the block, in a new temporary folder."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="tremplin-pg-")), durable=durable)
    try:
        yield server
    finally:
        server.stop()
