"""The README's worked examples, run as they are written: every ```bash block of the "Worked
examples" section marked ``# example: NAME``, in order, by ``bash -euo pipefail`` with curl,
against the API on a free loopback port, seeded with the demo data as ``scripts/serve`` seeds it
(``interfaces.demo.seed``) on the test's store (PostgreSQL under ``scripts/test``).

The ``setup`` block runs before each of the others (each journey starts from the demo data
alone); a failed request (``curl --fail-with-body``) or a figure the block ``expect``s that is
not there fails its journey, with the block's own output in the message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from interfaces.api.app import create_app
from interfaces.demo import seed
from interfaces.integrity.keys import SigningKey
from interfaces.wiring import Services
from tests.conftest import throwaway_settings
from tests.serving import serving

README = Path(__file__).resolve().parents[2] / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```bash\n# example: ([\w-]+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
JOURNEYS = ("spot-journey", "refund", "transfer", "credit-line")


def worked_examples(heading: str = "Worked examples") -> dict[str, str]:
    """The marked blocks of the section, by name, in the README's order."""
    section = README.read_text(encoding="utf-8").split(f"\n### {heading}\n", 1)[1]
    section = re.split(r"\n##+ ", section, maxsplit=1)[0]
    return {name: body for name, body in BLOCK.findall(section)}


def test_the_section_holds_the_setup_and_every_journey_in_order() -> None:
    assert list(worked_examples()) == ["setup", *JOURNEYS]


def test_the_examples_address_the_documented_server() -> None:
    setup = worked_examples()["setup"]
    assert f"API={DOCUMENTED_BASE}/api/v1\n" in setup


@dataclass(frozen=True)
class Demo:
    base: str
    env: dict[str, str]  # what a ``steelyard`` command needs to read the same store and key


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The API over HTTP on a free loopback port, on a fresh store seeded with the demo."""
    folder = tmp_path_factory.mktemp("readme")
    key = folder / "platform-key.pem"
    key.write_bytes(SigningKey.generate().private_key_pem())
    with throwaway_settings(folder) as clean:
        settings = replace(clean, signing_key_file=key)
        env = {
            **os.environ,
            "STEELYARD_SECRET_KEY": settings.secret_key,
            "STEELYARD_SIGNING_KEY_FILE": str(key),
            "STEELYARD_SQLITE_PATH": str(settings.sqlite_path),
            "POSTGRES_SCHEMA": settings.postgres.schema,
        }
        services = Services.build(settings)
        try:
            seed(services)
            with serving(create_app(settings, services)) as base:
                yield Demo(base, env)
        finally:
            services.close()


@pytest.fixture(scope="module")
def demo_server(demo: Demo) -> str:
    return demo.base


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples are curl commands")
@pytest.mark.parametrize("journey", JOURNEYS)
def test_the_worked_example_runs_as_written(demo_server: str, journey: str) -> None:
    examples = worked_examples()
    script = (examples["setup"] + examples[journey]).replace(DOCUMENTED_BASE, demo_server)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the assertion shows the block's own output
    )
    assert done.returncode == 0, f"{journey} failed:\n{done.stdout}\n{done.stderr}"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples are curl commands")
def test_the_audit_walk_runs_as_written(demo: Demo) -> None:
    """README "Audit": statement as JSON and PDF, a stream as of a moment, the check passing
    and then naming an edited figure; ``steelyard`` from the repository's folder."""
    (walk,) = worked_examples("Audit").values()
    script = (worked_examples()["setup"] + walk).replace(DOCUMENTED_BASE, demo.base)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=README.parent,
        env=demo.env,
    )
    assert done.returncode == 0, f"audit failed:\n{done.stdout}\n{done.stderr}"
