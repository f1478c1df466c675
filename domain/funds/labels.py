"""Chinese names of the funds area's codes, shown beside them (``kind_label``, ``status_label``).

The codes are what clients and stored events use; the labels are what a finance clerk reads on
我的资金. A code without a label here is shown as itself (a new kind still reads, untranslated)."""

from __future__ import annotations

JOURNAL_KIND_LABELS: dict[str, str] = {
    "payment": "来款入账",
    "allocation": "资金分配",
    "reserved": "资金占用",
    "released": "占用释放",
    "settled": "合同结算",
    "post_settled": "后结算调整",
    "compensated": "异议补偿",
    "transfer_requested": "转账申请",
    "transfer_approved": "转账通过",
    "transfer_rejected": "转账驳回",
    "transfer_received": "转账转入",
    "refund_requested": "退款申请",
    "refund_rejected": "退款驳回",
    "refund_paid": "退款已付",
    "rebate_credited": "返利调账",
    "rebate_applied": "返利抵扣",
    "deposit_top_up": "保证金缴纳",
    "deposit_locked": "保证金冻结",
    "deposit_released": "保证金释放",
    "deposit_forfeited": "保证金罚没",
    "credit_repaid": "授信还款",
    "late_fee": "逾期费用",
    "breach_penalty": "违约金",
}

REQUEST_KIND_LABELS: dict[str, str] = {"transfer": "转账", "refund": "退款"}

REQUEST_STATUS_LABELS: dict[str, str] = {
    "requested": "待审核",
    "approved": "已通过",
    "rejected": "已驳回",
    "paid": "已付款",
}


def journal_kind_label(kind: str) -> str:
    return JOURNAL_KIND_LABELS.get(kind, kind)
