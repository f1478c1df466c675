"""Demo rebate policies (返利政策), seeded before the demo's contracts so its settled contract
accrues: an order-total rate per member level and, for Qingdao Coil, a monthly tonnage tier in
progress (27.040 t settled this month: the 0.5 % tier from 20 t, 22.960 t to go to the 1 % tier
from 50 t)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.context import SHANGHAI, CommandContext, Role
from domain.rebates.service import TermsInput
from domain.rebates.values import RebateKind, Tier

Acting = Callable[..., CommandContext]  # demo._as: (services, role, user_id, account_id)
LEVEL_RATES = (("ordinary", "1.00"), ("vip", "1.50"), ("strategic", "2.00"))


def seed_rebate_policies(
    services: Any, acting: Acting, finance_id: UUID, customer_id: UUID
) -> None:
    """From the first day of this month (Asia/Shanghai): 订单总价返 per level and 月阶梯返 for
    ``customer_id``."""
    first = services.clock().astimezone(SHANGHAI).date().replace(day=1)
    with context.acting(acting(services, Role.FINANCE, finance_id)):
        for level, rate in LEVEL_RATES:
            services.rebates.create_policy(
                f"RB-OT-{level.upper()}",
                f"订单总价返 {level} {rate}%",
                RebateKind.ORDER_TOTAL,
                TermsInput(first, rate=Decimal(rate)),
                level=level,
            )
        tiers = (
            Tier(Decimal("20.000"), Decimal("50.000"), Decimal("0.50")),
            Tier(Decimal("50.000"), Decimal("100.000"), Decimal("1.00")),
            Tier(Decimal("100.000"), None, Decimal("1.50")),
        )
        services.rebates.create_policy(
            "RB-TIER-QINGDAO",
            "青岛卷板 月阶梯返 (吨)",
            RebateKind.MONTHLY_TIER,
            TermsInput(first, tiers=tiers, measure="tonnes", whole_period=True),
            customer_id=customer_id,
        )
