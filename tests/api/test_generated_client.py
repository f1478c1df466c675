"""The OpenAPI document is the test of itself: a client generated from it (openapi-python-client)
signs in, fills the cart and checks out against the real app on loopback, and gets typed models
back, problems included."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from interfaces.api.app import create_app
from tests.api.conftest import PASSWORD, Api
from tests.api.trading_support import stage
from tests.serving import serving

PACKAGE = "steelyard_client"
CONFIG = f"""\
project_name_override: steelyard-client
package_name_override: {PACKAGE}
post_hooks: []
content_type_overrides:
  text/csv: application/octet-stream
  application/pdf: application/octet-stream
"""


@contextmanager
def served(api: Api) -> Iterator[str]:
    """The app over HTTP on a free loopback port, on the test's services."""
    with serving(create_app(api.services.settings, api.services)) as base:
        yield base


@contextmanager
def generated_client(document: dict[str, Any], folder: Path) -> Iterator[ModuleType]:
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.yml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.yml",
            "--output-path",
            PACKAGE,
            "--meta",
            "none",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,  # the assertion below shows the generator's own words
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def client_package(api: Api, tmp_path: Path) -> Iterator[ModuleType]:
    with generated_client(api.client.app.openapi(), tmp_path) as package:  # type: ignore[attr-defined]
        yield package


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_a_generated_client_signs_in_and_checks_out(api: Api, client_package: ModuleType) -> None:
    s = stage(api)
    listing = s.listing(quantity="100.000", price="4321.57")
    s.fund("50000.00")
    models = _module(client_package, "models")
    sign_in = _module(client_package, "api.auth.auth_sign_in")
    put_in_cart = _module(client_package, "api.orders.orders_put_in_cart")
    checkout = _module(client_package, "api.orders.orders_checkout")
    get_order = _module(client_package, "api.orders.orders_get_order")

    with served(api) as base_url:
        anonymous = client_package.Client(base_url=base_url, raise_on_unexpected_status=True)
        form = models.BodyAuthSignIn(username="13800000001", password=PASSWORD)
        token = sign_in.sync(client=anonymous, body=form)
        assert isinstance(token, models.Token), token
        wrong = sign_in.sync(
            client=anonymous, body=models.BodyAuthSignIn(username="13800000001", password="x")
        )
        assert isinstance(wrong, models.Problem) and wrong.code == "invalid_credentials"

        buyer = client_package.AuthenticatedClient(
            base_url=base_url, token=token.access_token, raise_on_unexpected_status=True
        )
        item = models.CartItem(listing_id=listing, quantity="2.000")
        cart = put_in_cart.sync(client=buyer, body=item)
        assert isinstance(cart, models.CartAnswer) and cart.items[0].quantity == "2.000"
        placed = checkout.sync(client=buyer, body=models.Checkout(delivery_address="Dock 1"))
        assert isinstance(placed, models.OrderPlaced), placed
        assert placed.total == "8643.14" and placed.status == "pending_payment"
        assert placed.position > 0 and len(placed.contracts[0].digest) == 64

        order = get_order.sync(client=buyer, order_id=placed.order_id)
        assert isinstance(order, models.OrderPublic), order
        assert order.order_no == placed.order_no and order.status_label == "待支付"
        assert [(ln.quantity, ln.unit_price, ln.amount) for ln in order.lines] == [
            ("2.000", "4321.57", "8643.14")
        ]
        assert order.payment_due_at.tzinfo is not None
        assert order.payment_due_at.utcoffset() == UTC.utcoffset(None)

        again = checkout.sync(client=buyer, body=models.Checkout(delivery_address="Dock 1"))
        assert isinstance(again, models.Problem) and again.status == 422, again
