"""A real PostgreSQL server for the tests: a cluster made with initdb in a temporary folder,
started with pg_ctl on a Unix socket in that folder (no TCP port), stopped at the end.

Debian's `postgresql` package (installed by `make test`) provides the programs. As root, the
server runs as the package's `postgres` user, since PostgreSQL refuses to run as root."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from esgdesk.storage.location import ServerUrl

SUPERUSER = "postgres"
ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The esgdesk command line in its own process."""
    return subprocess.run([sys.executable, "-m", "esgdesk", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and Path(found).resolve().parent.joinpath("initdb").exists():
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class PgServer:
    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server programs are not installed (Debian's "
                               "postgresql package; `make test` installs it)")
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="esgdesk-pg-"))
        self.data = self.folder / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, SUPERUSER)
            self.folder.chmod(0o755)

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> PgServer:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER,
                  "--encoding", "UTF8", "--locale", "C.UTF-8")
        self.resume()
        return self

    def resume(self) -> None:
        """Start the server on the cluster made by `start` (again, after `pause`)."""
        options = (f"-k {self.folder} -c listen_addresses='' -c fsync=off "
                   "-c max_connections=200 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "log"), "-w", "start")

    def pause(self) -> None:
        """Stop the server as a restart or a crash would (every connection cut), keeping
        its cluster for `resume`."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> ServerUrl:
        return ServerUrl(f"postgresql://{user}@/{database}?host={self.folder}")

    def as_user(self, url: ServerUrl, user: str) -> ServerUrl:
        """The same server database, connected to as another login."""
        return self.url(url.name, user)

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(str(self.url(database)), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None) -> ServerUrl:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)
