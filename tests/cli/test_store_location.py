"""Read-only commands never create a store, and say exactly where they looked."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, one_line_error
from tests.conftest import ON_POSTGRES


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["reconcile"],
        ["rebuild"],
        ["audit", "auction", "00000000-0000-0000-0000-000000000001"],
    ],
)
def test_read_only_command_without_a_store_fails_and_creates_none(
    cli: Cli, command: list[str]
) -> None:
    result = cli.run(*command)

    assert result.returncode == 3, result.stdout + result.stderr
    error = one_line_error(result)
    if ON_POSTGRES:
        assert "no event store at postgres" in error
        assert cli.env["POSTGRES_SCHEMA"] in error
    else:
        assert f"no event store at {cli.folder / 'var' / 'steelyard.db'}" in error
    assert "0 difference" not in result.stdout
    assert not cli.store_exists()


def test_status_prints_the_store_it_read_as_an_absolute_location(cli: Cli) -> None:
    assert cli.run("seed-demo").returncode == 0

    result = cli.run("status")

    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    if ON_POSTGRES:
        assert first.startswith("store: postgres ") and cli.env["POSTGRES_SCHEMA"] in first
    else:
        assert first == f"store: sqlite {cli.folder / 'var' / 'steelyard.db'}"
