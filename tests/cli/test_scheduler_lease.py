"""The scheduler runs its jobs in one process at a time, however many are started: a second
`steelyard scheduler` stands by (and `--once` refuses) while the first holds the lease, and
takes over when the first is killed (the lease is PostgreSQL's advisory lock of the holder's
session, or a file lock with SQLite: both die with their process)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cli.conftest import STEELYARD, Cli, one_line_error
from tests.cli.test_commands import _registry_only


def _start(cli: Cli, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as sink:
        return subprocess.Popen(
            [str(STEELYARD), "scheduler", "--interval", "0.3"],
            cwd=cli.folder,
            env=cli.env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
        )


def _lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for text in log.read_text().splitlines():
        try:
            lines.append(json.loads(text))
        except ValueError:
            continue
    return lines


def _ticks(log: Path) -> int:
    return sum(line["message"].startswith("scheduler tick at") for line in _lines(log))


def _until(check: Callable[[], bool], seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: {log.read_text()[-2000:]}"
        time.sleep(0.2)


def test_a_second_scheduler_stands_by_until_the_first_dies(cli: Cli, tmp_path: Path) -> None:
    _registry_only(cli)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start(cli, first_log)
    second: subprocess.Popen[str] | None = None
    try:
        _until(lambda: _ticks(first_log) >= 1, 90, "the first scheduler never ticked", first_log)
        second = _start(cli, second_log)
        _until(
            lambda: any(
                "standing by" in line["message"] or "stand by" in line["message"]
                for line in _lines(second_log)
            ),
            90,
            "the second scheduler did not stand by",
            second_log,
        )
        ticks_before = _ticks(first_log)
        time.sleep(2)
        assert _ticks(first_log) > ticks_before  # the holder goes on ticking
        assert _ticks(second_log) == 0  # and only the holder

        once = cli.run("scheduler", "--once")
        assert once.returncode == 1
        assert "another scheduler is running" in one_line_error(once)

        first.send_signal(signal.SIGKILL)  # no clean-up: the lease dies with the process
        first.wait(timeout=30)
        _until(
            lambda: _ticks(second_log) >= 2,
            60,
            "the second scheduler did not take over",
            second_log,
        )
        messages = [line["message"] for line in _lines(second_log)]
        assert any(m.startswith("scheduler: took over the lease") for m in messages)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
