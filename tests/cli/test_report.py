"""steelyard report: the demo's sales as CSV for Excel (BOM, Chinese headers), a table without
--csv, and a wrong name or option refused with exit 2."""

from __future__ import annotations

from decimal import Decimal

from tests.cli.conftest import Cli, one_line_error


def test_report_exports_the_demo_sales_as_csv_for_excel(cli: Cli) -> None:
    assert cli.run("seed-demo", timeout=300).returncode == 0

    result = cli.run("report", "sales", "--by", "category", "--csv", "sales.csv")

    assert result.returncode == 0, result.stderr
    data = (cli.folder / "sales.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = data.decode("utf-8-sig").splitlines()
    assert header == "编码,品类,订货吨数,订货金额,结算吨数,结算金额,提成"
    assert rows and sum(Decimal(row.split(",")[5]) for row in rows) > 0
    shown = cli.run("report", "performance")
    assert shown.returncode == 0 and "客户经理" not in shown.stdout and "姓名" in shown.stdout


def test_report_refuses_an_unknown_name_or_grain(cli: Cli) -> None:
    assert cli.run("seed-demo", timeout=300).returncode == 0
    unknown = cli.run("report", "profits")
    assert unknown.returncode == 2 and "sales" in one_line_error(unknown)
    assert cli.run("report", "sales", "--grain", "week").returncode == 2
    assert cli.run("report", "sales", "--from", "yesterday").returncode == 2
