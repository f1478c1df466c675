"""Demo data: staff, a customer registry, and three customer companies in several states.

Everything goes through the ordinary commands, as the system actor or as the people involved,
so the demo's history looks like a real one. Seeding twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain import context
from domain.account import CompanyInfo, Contact
from domain.context import Actor, CommandContext, Role
from domain.identity import credit_code_check_digit
from domain.ledger import UnitOfWork
from domain.staff import RegistryEntry
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
)

COMPANIES = (
    # phone of admin, company name, region, in the ERP registry?
    ("13800000001", "Qingdao Coil Processing Co.", "east", True),
    ("13800000002", "Tianjin Plate Fabrication Ltd.", "north", True),
    ("13800000003", "Yantai Wire Products Co.", "east", False),
)
MEMBER_PHONE = "13800000011"  # a sub-account of the first company, may order but not refund


def seed(services: Services) -> bool:
    """Seed the demo; False when it was already there."""
    system = CommandContext(actor=Actor.system(), request_id="seed-demo", clock=services.clock)
    with context.acting(system):
        if UnitOfWork(services.ledger).owner_of("login", STAFF[0].phone) is not None:
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
    for i, (phone, name, region, _) in enumerate(COMPANIES, start=1):
        _seed_company(services, i, phone, name, region)
    with context.acting(_as(services, Role.OPERATOR, staff_ids[STAFF[0].phone])):
        third = UnitOfWork(services.ledger).owner_of("login", COMPANIES[2][0])
        if third is not None:
            services.accounts.approve_certification(third)
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
