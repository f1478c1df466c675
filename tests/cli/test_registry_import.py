"""`steelyard import-registry`: the ERP's export in the encodings Chinese Excel writes."""

from __future__ import annotations

import pytest

from interfaces.demo import demo_code
from tests.cli.conftest import Cli, one_line_error

HEADER = "credit_code,name,customer_no,region"
ROWS = [f"{demo_code(1)},鞍山钢铁贸易有限公司,C1,东区", f"{demo_code(2)},日照钢材加工厂,C2,北区"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_registry_is_imported_from_gbk_and_utf8_with_or_without_bom(
    cli: Cli, encoding: str
) -> None:
    (cli.folder / "export.csv").write_bytes("\r\n".join([HEADER, *ROWS]).encode(encoding))

    result = cli.run("import-registry", "export.csv")

    assert result.returncode == 0, result.stderr
    assert "2 rows read, 2 changed." in result.stdout


def test_every_bad_row_is_named_with_its_line_and_nothing_is_imported(cli: Cli) -> None:
    lines = [HEADER, ROWS[0], "91350100M000100Y4X,坏的校验位,C3,", ROWS[1], f"{demo_code(4)},,C4,"]
    (cli.folder / "export.csv").write_bytes("\n".join(lines).encode("gbk"))

    result = cli.run("import-registry", "export.csv")

    assert result.returncode == 4
    error = one_line_error(result)
    assert "2 bad row(s)" in error and "line 3:" in error and "line 5:" in error
    assert "line 2:" not in error and "line 4:" not in error
    assert cli.run("import-registry", "export.csv").returncode == 4  # still nothing imported


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"code,name\n1,2\n", "line 1: the CSV header must name credit_code"),
        (b"\xff\xfe\x00\x00\xff\xff\x80", "neither UTF-8 nor GBK/GB18030"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_4(cli: Cli, content: bytes, expected: str) -> None:
    (cli.folder / "export.csv").write_bytes(content)

    result = cli.run("import-registry", "export.csv")

    assert result.returncode == 4
    assert expected in one_line_error(result)


def test_a_missing_file_names_its_absolute_path(cli: Cli) -> None:
    result = cli.run("import-registry", "nowhere.csv")

    assert result.returncode == 4
    assert f"cannot read {cli.folder / 'nowhere.csv'}" in one_line_error(result)
