"""Demo data: staff, a customer registry, and three customer companies in several states.

Everything goes through the ordinary commands, as the system actor or as the people involved,
so the demo's history looks like a real one. Seeding twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.accounts.account import Account, CompanyInfo, Contact
from domain.accounts.identity import credit_code_check_digit
from domain.accounts.staff import RegistryEntry
from domain.catalog.catalog import ProductAttributes
from domain.catalog.listing import Listing
from domain.catalog.pricing import LevelPrice, RegionalDelta
from domain.context import SHANGHAI, Actor, CommandContext, Role
from domain.funds.account import PaymentPurpose
from domain.trading.fulfilment import Shipment, ShipmentLine
from domain.trading.settlement import InvoiceKind
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice
from interfaces.demo_auctions import seed_auctions
from interfaces.demo_rebates import seed_rebate_policies
from interfaces.demo_reports import seed_commission_rates, seed_teams
from interfaces.wiring import Services

DEMO_PASSWORD = "Steelyard2026"


def demo_code(n: int) -> str:
    first17 = f"91370200MA{n:07d}"
    return first17 + credit_code_check_digit(first17)


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str
    role: Role
    region: str = ""


STAFF = (
    DemoPerson("13900000001", "Olivia Operator", Role.OPERATOR),
    DemoPerson("13900000002", "Fang Finance", Role.FINANCE),
    DemoPerson("13900000003", "Aaron Auditor", Role.AUDITOR),
    DemoPerson("13900000004", "Ma Manager (east)", Role.MANAGER, "east"),
    DemoPerson("13900000005", "Niu Manager (north)", Role.MANAGER, "north"),
    DemoPerson("13900000006", "Sun Supervisor", Role.SUPERVISOR),
    DemoPerson("13900000007", "ERP integration", Role.INTEGRATION),
    DemoPerson("13900000008", "Zhou Director (总监)", Role.DIRECTOR),
)

COMPANIES = (
    # phone of admin, company name, region, in the ERP registry?
    ("13800000001", "Qingdao Coil Processing Co.", "east", True),
    ("13800000002", "Tianjin Plate Fabrication Ltd.", "north", True),
    ("13800000003", "Yantai Wire Products Co.", "east", False),
)
MEMBER_PHONE = "13800000011"  # a sub-account of the first company, may order but not refund


def seeded(services: Services) -> bool:
    """Whether the demo's first sign-in is already in the store."""
    return UnitOfWork(services.ledger).owner_of("login", STAFF[0].phone) is not None


def seed(services: Services) -> bool:
    """Seed the demo; False when it was already there."""
    system = CommandContext(actor=Actor.system(), request_id="seed-demo", clock=services.clock)
    with context.acting(system):
        if seeded(services):
            return False
        staff_ids = {
            p.phone: services.identity.enroll_staff(
                p.phone, p.name, p.role, p.region, DEMO_PASSWORD
            ).result["staff_id"]
            for p in STAFF
        }
        registry = tuple(
            RegistryEntry(demo_code(i), name, f"C{1000 + i}", region)
            for i, (_, name, region, known) in enumerate(COMPANIES, start=1)
            if known
        )
        services.identity.import_registry(registry, "demo ERP export")
    people: dict[Role, list[UUID]] = {}
    for p in STAFF:
        people.setdefault(p.role, []).append(staff_ids[p.phone])
    seed_teams(services, _as, people)
    for i, (phone, name, region, _) in enumerate(COMPANIES, start=1):
        _seed_company(services, i, phone, name, region)
    with context.acting(_as(services, Role.OPERATOR, staff_ids[STAFF[0].phone])):
        third = UnitOfWork(services.ledger).owner_of("login", COMPANIES[2][0])
        if third is not None:
            services.accounts.approve_certification(third)
    _seed_funds(services, staff_ids[STAFF[1].phone])
    listings = _seed_catalog(services, staff_ids[STAFF[0].phone])
    seed_commission_rates(services, _as, staff_ids[STAFF[1].phone], listings[2])
    qingdao_id = _company(services, COMPANIES[0][0])[0]
    seed_rebate_policies(services, _as, staff_ids[STAFF[1].phone], qingdao_id)
    _seed_trading(services, {p.role: staff_ids[p.phone] for p in STAFF}, listings)
    _seed_intents(services, {p.role: staff_ids[p.phone] for p in STAFF})
    (qingdao, tianjin) = (_company(services, phone) for phone, *_ in COMPANIES[:2])
    product = UnitOfWork(services.ledger).get(Listing, listings[0]).product.product_id
    seed_auctions(
        services, _as, {p.role: staff_ids[p.phone] for p in STAFF},
        {"qingdao": qingdao, "tianjin": tianjin}, product,
    )  # fmt: skip
    return True


def _seed_company(services: Services, n: int, phone: str, name: str, region: str) -> None:
    with context.acting(CommandContext(request_id="seed-demo", clock=services.clock)):
        outcome = services.accounts.register(phone, DEMO_PASSWORD, f"Admin {n}", None, True)
    account_id, admin_id = outcome.result["account_id"], outcome.result["user_id"]
    with context.acting(_as(services, Role.BUYER_ADMIN, admin_id, account_id)):
        company = CompanyInfo(
            name=name,
            credit_code=demo_code(n),
            address=f"{n} Harbour Road",
            region=region,
            contacts=(Contact(f"Buyer {n}", phone),),
            invoice_title=name,
            bank_name="Bank of Qingdao",
            bank_account=f"6222{n:012d}",
        )
        services.accounts.bind_company(account_id, company)
        if n == 1:
            role = services.members.define_role(
                account_id, "Purchaser", frozenset({"orders.place", "funds.view"})
            ).result["role_id"]
            dept = services.members.create_department(account_id, "Purchasing").result
            services.members.add_member(
                account_id,
                MEMBER_PHONE,
                "Purchaser Li",
                DEMO_PASSWORD,
                dept["department_id"],
                (role,),
            )


def _as(
    services: Services, role: Role, user_id: UUID, account_id: UUID | None = None
) -> CommandContext:
    actor = services.identity.actor_for(user_id, role, account_id)
    return CommandContext(actor=actor, request_id="seed-demo", clock=services.clock)


def _seed_funds(services: Services, finance_id: UUID) -> None:
    """Payments, allocations, a deposit, a credit line, a rebate and a pending refund, so the
    funds views are not empty. Bank and rebate references make each step idempotent."""
    funds, cny = services.funds, Money.parse
    (qingdao, qingdao_admin), (tianjin, _), (yantai, yantai_admin) = (
        _company(services, phone) for phone, *_ in COMPANIES
    )
    with context.acting(_as(services, Role.FINANCE, finance_id)):
        funds.record_payment(qingdao, cny("1200000.00"), "CMB-DEMO-20261102-001")
        funds.allocate(qingdao, cny("800000.00"), "HRC")
        funds.allocate(qingdao, cny("150000.00"), "WIRE")
        funds.credit_rebate(qingdao, cny("12500.00"), "VIP-2026-Q3")
        funds.record_payment(tianjin, cny("600000.00"), "ICBC-DEMO-20261105-017", "PLATE")
        funds.record_payment(
            tianjin, cny("50000.00"), "ICBC-DEMO-20261106-002", purpose=PaymentPurpose.DEPOSIT
        )
        funds.set_credit_line(tianjin, cny("500000.00"), 25, 10, 5, Decimal("0.0005"))
        funds.record_payment(yantai, cny("260000.00"), "BOC-DEMO-20261110-008")
        funds.allocate(yantai, cny("200000.00"), "WIRE")
    with context.acting(_as(services, Role.BUYER_ADMIN, qingdao_admin, qingdao)):
        funds.top_up_deposit(qingdao, cny("30000.00"))
    with context.acting(_as(services, Role.BUYER_ADMIN, yantai_admin, yantai)):
        funds.request_refund(yantai, cny("20000.00"), "unallocated", "overpaid on BOC-DEMO-008")


def _company(services: Services, phone: str) -> tuple[UUID, UUID]:
    """A demo company's account id and its admin's user id, found by the admin's phone."""
    reader = UnitOfWork(services.ledger)
    account_id = reader.owner_of("login", phone)
    account = reader.find(Account, account_id) if account_id else None
    if account is None:
        raise RuntimeError(f"the demo company of {phone} is missing")
    return account.id, account.admin.user_id


MILL = "日照钢铁 Rizhao Steel"
PRODUCTS = (  # category, name, attributes
    ("HRC", "热轧卷 HRC Q235B 3.0×1500", ("Q235B", "3.0", "1500", None, "black", "GB/T 3274")),
    ("HRC", "热轧卷 HRC Q355B 4.75×1500", ("Q355B", "4.75", "1500", None, "black", "GB/T 1591")),
    ("PLATE", "中厚板 PLATE Q345R 20×2200×10000", ("Q345R", "20", "2200", "10000", "", "GB/T 713")),
    ("COLD", "冷轧卷 SPCC 1.0×1250", ("SPCC", "1.0", "1250", None, "oiled", "GB/T 708")),
    ("WIRE", "线材 WIRE SWRH82B 12.5mm", ("SWRH82B", None, None, None, "", "GB/T 24238")),
)
LISTINGS = (  # product, warehouse, tonnes, list price, warning line, saleable regions
    (0, "日照 Rizhao", "2000", "4150.00", None, ()),
    (1, "青岛 Qingdao", "800", "4320.00", None, ("east", "north")),
    (2, "日照 Rizhao", "600", "4780.00", None, ()),
    (3, "日照 Rizhao", "300", "4590.00", None, ("north",)),
    (4, "青岛 Qingdao", "52", "3960.00", "50", ()),  # near its stock warning line
    (0, "青岛 Qingdao", "1200", "4180.00", None, ()),  # on a scheduled window
)


def _seed_catalog(services: Services, operator_id: UUID) -> list[UUID]:
    """The default category tree, five products and six listings: regional differences (north
    +50, south -30), vip at 0.98 of list, a fixed strategic price, a customer price for Qingdao
    Coil Processing, one listing near its warning line and one on a window from tomorrow."""
    catalog, price = services.catalog, UnitPrice.parse
    regional = (
        RegionalDelta("north", Money.parse("50.00")),
        RegionalDelta("south", Money.parse("-30.00")),
    )
    with context.acting(_as(services, Role.OPERATOR, operator_id)):
        catalog.define_default_categories()
        products = [catalog.add_product(*_product(*p)).result["product_id"] for p in PRODUCTS]
        vip, strategic = (
            LevelPrice("vip", ratio=Decimal("0.98")),
            LevelPrice("strategic", fixed=price("4020.00")),
        )
        listings = []
        for i, (n, warehouse, tonnes, list_price, line, regions) in enumerate(LISTINGS):
            outcome = catalog.create_listing(
                products[n],
                warehouse,
                Quantity.parse(tonnes),
                price(list_price),
                regional=regional,
                levels=(vip, strategic) if i == 0 else (vip,),
                min_quantity=Quantity.parse("5" if n == 2 else "1"),
                saleable_regions=regions,
                warning_line=None if line is None else Quantity.parse(line),
            )
            listings.append(outcome.result["listing_id"])
        for listing_id in listings[:-1]:
            catalog.publish_listing(listing_id)
        tomorrow = services.clock().astimezone(SHANGHAI).date() + timedelta(days=1)
        opens = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, tzinfo=SHANGHAI)
        catalog.publish_listing(listings[-1], opens, opens + timedelta(days=7))
        qingdao = UnitOfWork(services.ledger).owner_of("login", COMPANIES[0][0])
        if qingdao is not None:
            catalog.set_customer_price(listings[0], qingdao, price("4080.00"))
    return listings


def _product(
    category: str, name: str, spec: tuple[str, str | None, str | None, str | None, str, str]
) -> tuple[str, str, ProductAttributes]:
    grade, thickness, width, length, surface, standard = spec
    size = [None if v is None else Decimal(v) for v in (thickness, width, length)]
    extra = (("diameter", "12.5"),) if category == "WIRE" else ()
    attributes = ProductAttributes(grade, size[0], size[1], size[2], surface, standard, MILL, extra)
    return category, name, attributes


def _seed_trading(services: Services, staff: dict[Role, UUID], listings: list[UUID]) -> None:
    """Orders whose contracts stand in several states: completed (shipped in two lots, settled,
    invoiced), established, awaiting the buyer's confirmation, awaiting payment, cancelled."""
    (qingdao, qingdao_admin), (tianjin, tianjin_admin), (yantai, yantai_admin) = (
        _company(services, phone) for phone, *_ in COMPANIES
    )

    def order(account: UUID, admin: UUID, listing: UUID, tonnes: str) -> dict[str, Any]:
        with context.acting(_as(services, Role.BUYER_ADMIN, admin, account)):
            line = ((listing, Quantity.parse(tonnes)),)
            return services.orders.checkout(account, "No. 8 Harbour Road", None, line).result

    def as_staff(role: Role) -> Any:
        return context.acting(_as(services, role, staff[role]))

    def confirmed_and_paid(account: UUID, admin: UUID, placed: dict[str, Any]) -> UUID:
        contract = placed["contracts"][0]
        with as_staff(Role.OPERATOR):
            services.contracts.make_effective(contract["contract_id"])
        with context.acting(_as(services, Role.BUYER_ADMIN, admin, account)):
            services.contracts.confirm(contract["contract_id"], contract["digest"])
            services.contracts.pay(contract["contract_id"])
        return UUID(str(contract["contract_id"]))

    done = confirmed_and_paid(
        qingdao, qingdao_admin, order(qingdao, qingdao_admin, listings[0], "27.125")
    )
    with as_staff(Role.INTEGRATION):
        services.contracts.schedule_production(done, 1, Quantity.parse("27.125"))
        services.contracts.record_production(done, 1, Quantity.parse("27.125"))
        for n, (weight, plate) in enumerate((("14.980", "鲁L12345"), ("12.060", "鲁L67890"))):
            shipment = Shipment(
                f"DS-DEMO-{n + 1}",
                (ShipmentLine(1, Quantity.parse(weight)),),
                "日照 Rizhao",
                services.clock(),
                vehicle_plate=plate,
            )
            services.contracts.record_shipment(done, shipment)
        services.contracts.issue_certificate(
            done, "QC-DEMO-0001", "B7781", "DS-DEMO-1", "DEMO7781CERT"
        )
    with as_staff(Role.OPERATOR):
        services.contracts.complete_shipping(done, "")
    with as_staff(Role.FINANCE):
        settled = services.contracts.settle(done).result["final_amount"]
        services.contracts.invoice(
            "INV-DEMO-0001", InvoiceKind.VAT_SPECIAL, ((done, Money(settled)),)
        )
    confirmed_and_paid(qingdao, qingdao_admin, order(qingdao, qingdao_admin, listings[0], "20"))
    awaiting = order(qingdao, qingdao_admin, listings[4], "2")["contracts"][0]
    with as_staff(Role.OPERATOR):
        services.contracts.make_effective(awaiting["contract_id"])
    order(tianjin, tianjin_admin, listings[2], "30")
    cancelled = order(yantai, yantai_admin, listings[4], "1.5")
    with context.acting(_as(services, Role.BUYER_ADMIN, yantai_admin, yantai)):
        services.orders.cancel(cancelled["order_id"], "ordered the wrong size")


HRC_SPECS = {"grade": "Q355B", "standard": "GB/T 1591", "thickness": "6.0", "width": "1800"}
PLATE_SPECS = {
    "grade": "Q345R",
    "standard": "GB/T 713",
    "thickness": "30",
    "width": "2400",
    "length": "12000",
}
WIRE_SPECS = {"grade": "SWRH82B", "standard": "GB/T 24238", "diameter": "12.5"}


def _seed_intents(services: Services, staff: dict[Role, UUID]) -> None:
    """Futures intents in several states: Qingdao Coil's converted into a contract (generated,
    waiting to be made effective), one in review (the supervisor approved, production planning
    to decide) and one the supervisor rejected; Tianjin Plate's supplemented, waiting for the
    customer's confirmation; Yantai Wire's just submitted, and one it withdrew."""
    (qingdao, qingdao_admin), (tianjin, tianjin_admin), (yantai, yantai_admin) = (
        _company(services, phone) for phone, *_ in COMPANIES
    )
    today = services.clock().astimezone(SHANGHAI).date()
    month = f"{(today.replace(day=1) + timedelta(days=62)):%Y-%m}"  # in two months
    year, week, _ = (today + timedelta(days=21)).isocalendar()
    production_week = f"{year}-W{week:02d}"
    intents = services.intents

    def submit(account: UUID, admin: UUID, category: str, specs: dict[str, str], t: str) -> Any:
        with context.acting(_as(services, Role.BUYER_ADMIN, admin, account)):
            address = "No. 8 Harbour Road"
            tonnes = Quantity.parse(t)
            return intents.submit(account, category, specs, tonnes, address, month).result[
                "intent_id"
            ]

    def supplement(account: UUID, intent_id: UUID, price: str) -> None:
        """By the customer's own manager (east for Qingdao, north for Tianjin)."""
        with context.acting(_as(services, Role.MANAGER, _manager_of(services, account))):
            terms = "30% prepay on confirmation, the rest before despatch"
            intents.supplement(intent_id, UnitPrice.parse(price), production_week, terms)

    def confirm(account: UUID, admin: UUID, intent_id: UUID) -> None:
        with context.acting(_as(services, Role.BUYER_ADMIN, admin, account)):
            intents.confirm(intent_id)

    def review(role: Role, intent_id: UUID, approve: bool, score: int, comment: str) -> None:
        with context.acting(_as(services, role, staff[role])):
            intents.review(intent_id, approve, score, comment)

    for tonnes, last in (("800", True), ("300", False)):
        intent_id = submit(qingdao, qingdao_admin, "HRC", HRC_SPECS, tonnes)
        supplement(qingdao, intent_id, "4280.00")
        confirm(qingdao, qingdao_admin, intent_id)
        review(Role.SUPERVISOR, intent_id, True, 88, "steady customer, price in line")
        if last:
            review(Role.OPERATOR, intent_id, True, 75, f"fits the rolling plan of {month}")
    rejected = submit(qingdao, qingdao_admin, "HRC", HRC_SPECS | {"width": "2100"}, "120")
    supplement(qingdao, rejected, "4450.00")
    confirm(qingdao, qingdao_admin, rejected)
    review(Role.SUPERVISOR, rejected, False, 40, "width 2100 is off our mill's range")
    supplement(tianjin, submit(tianjin, tianjin_admin, "PLATE", PLATE_SPECS, "450"), "4890.00")
    submit(yantai, yantai_admin, "WIRE", WIRE_SPECS, "200")
    withdrawn = submit(yantai, yantai_admin, "WIRE", WIRE_SPECS | {"diameter": "6.5"}, "60")
    with context.acting(_as(services, Role.BUYER_ADMIN, yantai_admin, yantai)):
        intents.withdraw(withdrawn, "bought spot stock instead")


def _manager_of(services: Services, account_id: UUID) -> UUID:
    account = UnitOfWork(services.ledger).get(Account, account_id, "account")
    if account.manager_id is None:
        raise RuntimeError("the demo company has no manager")
    return account.manager_id
