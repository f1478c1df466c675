"""A PostgreSQL cluster of a test's own (scripts/lib/pg.sh), so the test can restart it without
disturbing the suite's shared one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SH = ROOT / "scripts" / "lib" / "pg.sh"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class OwnCluster:
    def __init__(self, durable: bool = False) -> None:
        """``durable``: fsync and synchronous_commit on, so every COMMIT the server answered
        survives an immediate stop (the suite's clusters answer before the WAL is written)."""
        out = subprocess.run(
            ["bash", "-c", f'source "{PG_SH}" && pg_start >&2 && echo "$PG_PORT $PG_TMPDIR"'],
            capture_output=True, text=True, check=True, timeout=120,
            env={**os.environ, "PG_DURABLE": "1" if durable else "0"},
        )  # fmt: skip
        port, folder = out.stdout.split()
        self.port, self.folder = int(port), Path(folder)

    def env(self) -> dict[str, str]:
        return {
            "STEELYARD_PERSISTENCE": "postgres",
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_DBNAME": "steelyard",
            "POSTGRES_USER": "steelyard",
            "POSTGRES_PASSWORD": "steelyard",
        }

    def restart(self) -> None:
        """An immediate stop (as a crash would) and a start: recovery replays the WAL."""
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate"]
        command += ["-l", str(self.folder / "server.log"), "-o", f"-p {self.port}"]
        command += ["-w", "-t", "60", "restart"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, cwd=self.folder, capture_output=True, check=True, timeout=90)

    def stop(self) -> None:
        subprocess.run(
            ["bash", "-c", f'source "{PG_SH}"; PG_TMPDIR="{self.folder}"; pg_stop'],
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
