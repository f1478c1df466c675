"""POST /integration/customer-registry: the ERP's export as a body or a file upload."""

from __future__ import annotations

import pytest

from interfaces.demo import demo_code
from tests.api.conftest import Api

EXPORT = f"credit_code,name,customer_no,region\n{demo_code(1)},鞍山钢铁贸易有限公司,C1,东区\n"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_registry_is_accepted_as_a_multipart_file_upload(
    api: Api, operator: str, encoding: str
) -> None:
    files = {"file": ("客户.csv", EXPORT.encode(encoding), "text/csv")}

    response = api.post("/integration/customer-registry", operator, files=files)

    assert response.status_code == 200, response.text
    assert response.json()["received"] == 1


def test_registry_body_in_gbk_is_accepted(api: Api, operator: str) -> None:
    response = api.post(
        "/integration/customer-registry",
        operator,
        content=EXPORT.encode("gbk"),
        headers={"Content-Type": "text/csv"},
    )

    assert response.status_code == 200, response.text


def test_each_bad_row_is_named_by_its_line_and_nothing_is_imported(api: Api, operator: str) -> None:
    export = EXPORT + f"bad-code,X,C2,\n{demo_code(3)},,C3,\n"
    files = {"file": ("export.csv", export.encode("gbk"), "text/csv")}

    response = api.post("/integration/customer-registry", operator, files=files)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_csv"
    assert [error["line"] for error in body["errors"]] == [3, 4]


def test_a_multipart_form_without_a_file_is_refused(api: Api, operator: str) -> None:
    response = api.post(
        "/integration/customer-registry", operator, files={"other": ("x.csv", b"x")}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_upload"
