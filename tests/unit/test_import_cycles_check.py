"""The import-cycle check that scripts/test runs (scripts/lib/import_cycles.py) sees every kind
of circle, including the ones hidden from a first reading, and none where imports run one way."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_cycles", ROOT / "scripts/lib/import_cycles.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cycles_in(check: ModuleType, modules: dict[str, str], packages: set[str] = frozenset()) -> list:
    known = set(modules)
    graph = {m: check.imported(m, m in packages, src, known) for m, src in modules.items()}
    return [circle for _, circle in check.cycles(graph)]


def test_an_import_under_type_checking_closes_a_cycle(check: ModuleType) -> None:
    modules = {
        "pk": "",
        "pk.account": "from pk.deposits import DepositCommands",
        "pk.deposits": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pk.account import Account",
    }
    assert cycles_in(check, modules, {"pk"}) == [["pk.account", "pk.deposits", "pk.account"]]


def test_an_import_inside_a_function_closes_a_cycle(check: ModuleType) -> None:
    modules = {
        "pk": "",
        "pk.service": "from pk import composition",
        "pk.composition": "def f():\n    from .service import Service\n",
    }
    found = cycles_in(check, modules, {"pk"})
    assert found == [["pk.composition", "pk.service", "pk.composition"]]


def test_a_package_importing_a_module_that_imports_it_back_is_a_cycle(check: ModuleType) -> None:
    modules = {"pk": "", "pk.sub": "from pk.sub.lot import Lot", "pk.sub.lot": "from . import X"}
    assert cycles_in(check, modules, {"pk", "pk.sub"}) == [["pk.sub", "pk.sub.lot", "pk.sub"]]


def test_a_longer_circle_is_found_and_one_way_imports_are_not_a_cycle(check: ModuleType) -> None:
    modules = {
        "pk": "",
        "pk.a": "import pk.b",
        "pk.b": "from pk import c",
        "pk.c": "from pk.a import x",
        "pk.values": "",
        "pk.user": "from pk import values\nfrom pk.a import x\nimport os",
    }
    assert cycles_in(check, modules, {"pk"}) == [["pk.a", "pk.b", "pk.c", "pk.a"]]


def test_the_project_has_no_import_cycle(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert check.main(["domain", "projections", "interfaces"]) == 0
