"""Catalog rules, without I/O: the category tree and product attribute templates."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.catalog.catalog import DEFAULT_TREE, Catalog, ProductAttributes
from domain.errors import ConflictError, NotFoundError, ValidationError

HRC_COIL = ProductAttributes(
    grade="Q235B",
    thickness=Decimal("4.75"),
    width=Decimal("1500"),
    surface="black",
    standard="GB/T 3274-2017",
    mill="Rizhao Steel",
)


def steel_catalog() -> Catalog:
    catalog = Catalog()
    catalog.define_missing(DEFAULT_TREE)
    return catalog


def test_catalog_is_a_singleton_with_a_stable_id() -> None:
    assert Catalog().id == Catalog.create_id() == Catalog.ID


def test_default_tree_nests_metal_steel_and_the_funds_categories() -> None:
    catalog = steel_catalog()
    assert [c.code for c in catalog.path("HRC")] == ["METAL", "STEEL", "HRC"]
    leaves = {c.code for c in catalog.categories.values() if catalog.is_leaf(c.code)}
    assert leaves == {"HRC", "PLATE", "WIRE", "SECTION", "COLD", "REBAR"}


def test_defining_the_default_tree_twice_adds_nothing() -> None:
    catalog = steel_catalog()
    assert catalog.define_missing(DEFAULT_TREE) == []


def test_duplicate_category_code_is_refused() -> None:
    with pytest.raises(ConflictError) as error:
        steel_catalog().define_category("HRC", "热轧卷板", "STEEL")
    assert error.value.code == "duplicate_code"


def test_category_under_an_unknown_parent_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        steel_catalog().define_category("PIPE", "钢管", "TUBES")
    assert error.value.code == "unknown_category"


@pytest.mark.parametrize("code", ["", "H", "1HRC", "HR C", "热轧"])
def test_malformed_category_code_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as error:
        Catalog().define_category(code, "Name")
    assert error.value.code == "invalid_code"


def test_category_code_is_upper_cased() -> None:
    assert Catalog().define_category(" metal ", "金属矿产").code == "METAL"


def test_category_needs_a_name() -> None:
    with pytest.raises(ValidationError):
        Catalog().define_category("METAL", "  ")


def test_template_includes_every_ancestors_required_attributes() -> None:
    assert steel_catalog().template("PLATE") == (
        "grade",
        "standard",
        "thickness",
        "width",
        "length",
    )


def test_product_with_its_template_filled_is_added() -> None:
    catalog, product_id = steel_catalog(), uuid4()
    catalog.add_product(product_id, "HRC", "Q235B 4.75x1500 coil", HRC_COIL)
    assert catalog.product(product_id).attributes.length is None


def test_product_missing_a_required_attribute_is_refused_naming_it() -> None:
    attributes = ProductAttributes(grade="Q235B", thickness=Decimal("4.75"), width=Decimal(1500))
    with pytest.raises(ValidationError) as error:
        steel_catalog().add_product(uuid4(), "HRC", "coil", attributes)
    assert (error.value.code, error.value.extra["missing"]) == ("missing_attribute", ["standard"])


def test_extra_attributes_can_fill_a_template() -> None:
    rod = ProductAttributes(grade="SWRH82B", standard="GB/T 24238", extra=(("diameter", "12.5"),))
    catalog = steel_catalog()
    catalog.add_product(uuid4(), "WIRE", "SWRH82B 12.5 rod", rod)
    with pytest.raises(ValidationError):
        catalog.add_product(uuid4(), "WIRE", "rod", ProductAttributes("SWRH82B", standard="GB"))


def test_product_goes_under_a_leaf_category_only() -> None:
    with pytest.raises(ValidationError) as error:
        steel_catalog().add_product(uuid4(), "STEEL", "some steel", HRC_COIL)
    assert error.value.code == "not_a_leaf_category"


def test_product_in_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        steel_catalog().add_product(uuid4(), "PIPE", "pipe", HRC_COIL)
    assert error.value.code == "unknown_category"


def test_a_category_holding_products_cannot_get_children() -> None:
    catalog = steel_catalog()
    catalog.add_product(uuid4(), "HRC", "coil", HRC_COIL)
    with pytest.raises(ConflictError) as error:
        catalog.define_category("HRC_WIDE", "宽带", "HRC")
    assert error.value.code == "category_has_products"


@pytest.mark.parametrize("thickness", [Decimal(0), Decimal("-1.5"), Decimal("NaN"), 4.75])
def test_dimensions_must_be_positive_decimals(thickness: object) -> None:
    attributes = ProductAttributes(grade="Q235B", thickness=thickness)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as error:
        steel_catalog().add_product(uuid4(), "HRC", "coil", attributes)
    assert error.value.code == "invalid_attribute"


def test_extra_attribute_names_must_be_unique_and_not_shadow_standard_ones() -> None:
    for extra in ((("coating", "Z275"), ("coating", "Z120")), (("grade", "Q345"),)):
        with pytest.raises(ValidationError) as error:
            steel_catalog().add_product(uuid4(), "HRC", "coil", replace(HRC_COIL, extra=extra))
        assert error.value.code == "invalid_attribute"


def test_unknown_product_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        steel_catalog().product(uuid4())


def test_the_same_product_id_twice_is_refused() -> None:
    catalog, product_id = steel_catalog(), uuid4()
    catalog.add_product(product_id, "HRC", "coil", HRC_COIL)
    with pytest.raises(ConflictError):
        catalog.add_product(product_id, "HRC", "coil", HRC_COIL)


def test_category_codes_are_read_in_capitals_wherever_they_are_given() -> None:
    catalog = Catalog()
    catalog.define_category("metal", "金属矿产")
    catalog.define_category("steel", "钢材", parent="metal")
    catalog.define_category("hrc", "热轧卷板", parent=" steel ")
    product = catalog.add_product(uuid4(), "hrc", "coil", ProductAttributes(grade="Q235B"))
    assert product.category == "HRC"
    assert [c.code for c in catalog.path("HRC")] == ["METAL", "STEEL", "HRC"]
