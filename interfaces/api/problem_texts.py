"""What a problem says, in English and in Chinese: one catalogue, stable ``code`` → (en, zh).

The English answer keeps the detail the error was raised with (it is the most specific); a
client asking for Chinese (``Accept-Language: zh-CN``, ``zh``, ``zh-Hans`` …, q-values honoured)
gets the catalogue's Chinese text with the problem's extras filled in (``{available}``). A code
missing here, or a text whose extra the problem does not carry, falls back to the English detail.
"""

from __future__ import annotations

import string
from typing import Any

EN, ZH = "en", "zh-CN"

TEXTS: dict[str, tuple[str, str]] = {
    # ---- generic and HTTP
    "validation_error": ("The request is not valid.", "请求内容无效。"),
    "bad_request": ("The request is malformed.", "请求格式错误。"),
    "unauthenticated": ("Sign in first.", "请先登录。"),
    "invalid_credentials": ("Wrong phone number or password.", "手机号或密码错误。"),
    "token_expired": ("The sign-in has expired; sign in again.", "登录已过期，请重新登录。"),
    "invalid_token": ("The sign-in token is not valid.", "登录凭证无效。"),
    "no_user": ("No user behind this token.", "该凭证没有对应的用户。"),
    "forbidden": ("You are not allowed to do this.", "您无权执行此操作。"),
    "not_found": ("Not found, or not visible to you.", "未找到，或您无权查看。"),
    "method_not_allowed": ("This method is not allowed here.", "不支持该请求方法。"),
    "conflict": ("The request conflicts with the current state.", "请求与当前状态冲突。"),
    "payload_too_large": ("The request body is too large.", "请求内容过大。"),
    "unsupported_media_type": ("This content type is not accepted.", "不支持该内容类型。"),
    "too_many_attempts": (
        "Too many attempts; retry in {retry_after} s.",
        "尝试次数过多，请 {retry_after} 秒后重试。",
    ),
    "internal_error": (
        "An unexpected error occurred; it has been logged.",
        "发生意外错误，已记录。",
    ),
    "store_unavailable": ("The event store is not reachable.", "事件存储暂时无法访问。"),
    "projection_stopped": ("A read model has stopped.", "读模型已停止：{projections}。"),
    "read_model_behind": (
        "The read model is behind; retry shortly.",
        "读模型尚未更新，请稍后重试。",
    ),
    "read_model_stopped": ("The read model has stopped.", "读模型已停止。"),
    "concurrent_modification": ("Changed by someone else; retry.", "数据已被他人修改，请重试。"),
    "idempotency_key_reused": (
        "This Idempotency-Key was used with another body.",
        "该幂等键已用于另一请求内容。",
    ),
    "invalid_idempotency_key": (
        "An Idempotency-Key is 1 to 200 characters.",
        "幂等键须为 1–200 个字符。",
    ),
    "invalid_transition": ("Not allowed in state {state}.", "当前状态（{state}）下不允许此操作。"),
    "decimal_string": (
        "Amounts are decimal strings.",
        '金额须为十进制字符串（如 "1250.00"），不能是 JSON 数字。',
    ),
    "required": ("A required field is missing.", "缺少必填项。"),
    "reason_required": ("Give a reason.", "请填写原因。"),
    # ---- numbers
    "invalid_amount": ("Not a valid amount.", "金额无效。"),
    "invalid_as_of": ("Not a valid date or moment (as_of).", "查询时点无效（as_of）。"),
    "invalid_price": ("Not a valid price.", "价格无效。"),
    "invalid_quantity": ("Not a valid quantity.", "数量无效。"),
    "invalid_percent": ("Not a percentage.", "不是有效的百分比。"),
    "invalid_ratio": ("A level ratio is above 0 and at most 1.", "会员价比例须大于 0 且不超过 1。"),
    # ---- accounts and access
    "invalid_phone": ("Not a mainland mobile number.", "不是有效的中国大陆手机号。"),
    "weak_password": (
        "The password is too weak.",
        "密码强度不足：至少 8 位，含字母、数字、符号中的两类。",
    ),
    "rules_not_accepted": ("The platform rules must be accepted.", "须同意平台规则。"),
    "phone_taken": ("This phone number is already registered.", "该手机号已注册。"),
    "company_taken": ("This company is bound to another account.", "该企业已被其他账户绑定。"),
    "invalid_credit_code": (
        "Not a unified social credit code.",
        "不是有效的 18 位统一社会信用代码。",
    ),
    "admin_only": ("Only the main account binds the company.", "只有主账户可以绑定企业。"),
    "already_bound": ("This customer already has a manager.", "该客户已有客户经理。"),
    "not_bound": ("This customer has no manager.", "该客户没有客户经理。"),
    "not_certified": ("The company is not certified.", "企业尚未认证。"),
    "no_manager": ("The company has no account manager.", "企业尚未绑定客户经理。"),
    "not_a_manager": ("Only a manager can do this.", "只有客户经理可以执行此操作。"),
    "binding_not_idle": (
        "The binding is not idle long enough.",
        "绑定关系的闲置时间不足，不能解除。",
    ),
    "unknown_level": (
        "Levels are: ordinary, vip, strategic.",
        "会员等级只能是：ordinary、vip、strategic。",
    ),
    "invalid_region": ("Not a valid region.", "区域无效。"),
    "invalid_role": ("Not a staff role.", "不是有效的员工角色。"),
    "unknown_role": ("No such role in this company.", "本企业没有该角色。"),
    "unknown_department": ("No such department.", "本企业没有该部门。"),
    "unknown_permission": ("Unknown permissions.", "存在未知的权限。"),
    "duplicate_name": ("The name exists already.", "名称已存在。"),
    "admin_has_all_rights": ("The admin's rights cannot be changed.", "主账户的权限不能修改。"),
    "cannot_disable_admin": ("The admin account cannot be disabled.", "主账户不能停用。"),
    "evidence_required": ("A phone change needs its evidence.", "更换手机号须提供证明。"),
    "unchanged": ("Nothing would change.", "没有变化。"),
    "invalid_reset_code": ("The code is wrong or has expired.", "验证码错误或已过期。"),
    "reset_code_expired": ("No valid reset code.", "没有有效的验证码，请重新获取。"),
    "account_required": ("Name the customer: account_id.", "请指定客户：account_id。"),
    "company_required": ("Name the company: company_id.", "请指定企业：company_id。"),
    "invalid_csv": ("The CSV is not valid.", "CSV 文件格式无效。"),
    "invalid_upload": ("The upload is not valid.", "上传的文件无效。"),
    # ---- catalog and listings
    "unknown_category": ("No such category.", "没有该品类。"),
    "not_a_leaf_category": ("Use a leaf category.", "须选择末级品类。"),
    "invalid_category": ("Not a valid category here.", "品类无效。"),
    "invalid_code": ("Not a valid category code.", "品类代码须为 2–20 位大写字母、数字或下划线。"),
    "duplicate_code": ("That category exists.", "该品类代码已存在。"),
    "category_has_products": (
        "This category holds products.",
        "该品类下已有商品，不能添加子品类。",
    ),
    "template_mismatch": ("Not this category's template.", "属性模板与品类不符。"),
    "missing_attribute": ("Required attributes are missing.", "缺少必填属性：{missing}。"),
    "invalid_attribute": ("An attribute is not valid.", "属性无效。"),
    "duplicate_product": ("This product exists.", "该商品已存在。"),
    "invalid_terms": ("The terms are not valid.", "起订量、步长或警戒线无效。"),
    "invalid_window": ("The shelf times are not valid.", "上下架时间无效。"),
    "invalid_level_price": ("A level price is fixed or a ratio.", "会员价须为固定价或比例之一。"),
    "not_on_shelf": ("This listing is not on shelf.", "该资源未上架。"),
    "not_saleable_in_region": ("Not sold into this region.", "该资源不在您的区域销售。"),
    "oversold": ("Only {available} t are available.", "库存不足：仅剩 {available} 吨可售。"),
    "below_minimum": ("The minimum order is {minimum} t.", "低于起订量 {minimum} 吨。"),
    "off_step": ("Order in whole steps of {step} t.", "数量须按 {step} 吨的步长递增。"),
    "already_reserved": ("This order reserved this listing.", "该订单已预留此资源。"),
    "not_reserved": ("This order holds no stock here.", "该订单没有预留此资源的库存。"),
    "exceeds_reservation": ("More than the order reserved.", "超过订单预留的数量。"),
    "already_sold": ("This stock has shipped.", "该库存已发出。"),
    # ---- cart, orders, contracts
    "cart_empty": ("The cart is empty.", "购物车是空的。"),
    "cart_full": ("The cart is full.", "购物车已满。"),
    "no_lines": ("Name the lines.", "请列出订购明细。"),
    "duplicate_line": ("Name each listing once.", "每个资源只能出现一次。"),
    "invalid_line": ("A line is not valid.", "明细行无效。"),
    "amount_mismatch": ("An amount is not quantity × price.", "金额不等于数量 × 单价。"),
    "already_despatched": ("The warehouse has released it.", "仓库已放货，不能取消。"),
    "cancel_instead": ("Nothing is paid: cancel the order.", "尚未付款，请取消整张订单。"),
    "not_droppable": ("Only an unpaid contract can be dropped.", "只有未付款的合同可以撤销。"),
    "over_return": ("More than was ordered.", "退货数量超过订购数量。"),
    "digest_mismatch": ("The digest does not match the text.", "摘要与合同当前文本不符。"),
    "unknown_text_version": ("No such contract text version.", "没有该版本的合同文本。"),
    "duplicate_contract": ("This contract exists.", "该合同已生成。"),
    "already_paid": ("This contract is paid.", "该合同已付款。"),
    "overpaid": ("More than the contract's total.", "超过合同总额。"),
    "nothing_reserved": ("Nothing is reserved for it.", "该合同没有预留资金。"),
    "exceeds_reserved": ("More than is reserved.", "超过预留金额。"),
    "reservation_closed": ("The contract is post-settled.", "该合同已后结算。"),
    "category_mismatch": ("Another category's money.", "资金品类与合同不符。"),
    "unknown_line": ("No such contract line.", "合同没有该明细行。"),
    "invalid_line_no": ("Each line once per shipment.", "每次发运每行只能出现一次。"),
    "no_quantity": ("Give a scheduled or produced quantity.", "请填写排产或产出数量。"),
    "over_scheduled": ("More than scheduled.", "产出超过排产数量。"),
    "over_tolerance": ("More than the tolerance allows.", "超过合同数量加允差。"),
    "despatch_intercepted": ("The despatch is held.", "该合同的发货已被拦截。"),
    "already_intercepted": ("The despatch is already held.", "发货已被拦截。"),
    "not_intercepted": ("The despatch is not held.", "发货未被拦截。"),
    "already_shipping": ("Goods have shipped.", "货物已发运。"),
    "invalid_shipment": ("The shipment is not valid.", "发运信息无效。"),
    "invalid_time": ("The time needs a time zone.", "时间须带时区。"),
    "conveyance_required": ("Name the vehicle or vessel.", "请填写车牌号或船名。"),
    "duplicate_shipment": ("This shipment is recorded.", "该发运已登记。"),
    "unknown_shipment": ("No such shipment.", "该合同没有此发运。"),
    "invalid_certificate": ("Give a number, batch and code.", "请填写质保书编号、批号和验证码。"),
    "duplicate_certificate": ("That code is in use.", "该验证码已被使用。"),
    "not_settled": ("Invoices follow the post-settlement.", "须先后结算才能开票。"),
    "over_invoiced": ("More than is left to invoice.", "超过可开票金额。"),
    "invalid_invoice": ("Give the invoice number and kind.", "请填写发票号和类型。"),
    "duplicate_invoice": ("That invoice number is used.", "该发票号已使用。"),
    "no_contracts": ("Name the contracts.", "请指定发票对应的合同。"),
    "invalid_objection": ("Quality or quantity.", "异议类型须为质量或数量。"),
    "description_required": ("Describe the objection.", "请描述异议内容。"),
    "objections_open": ("Resolve the open objections first.", "请先处理未结的异议。"),
    "already_compensated": ("Compensated already.", "已补偿。"),
    "invalid_kind": ("Not a valid kind.", "类型无效。"),
    "invalid_source": ("Not a valid source.", "来源无效。"),
    "not_on_credit": ("These terms are not on credit.", "该合同不是赊销条款。"),
    # ---- funds
    "insufficient_funds": ("Not enough money.", "资金不足：可用 {available}，需要 {needed}。"),
    "insufficient_rebate": ("Not enough rebate.", "返利不足。"),
    "insufficient_deposit": (
        "Not enough deposit.",
        "保证金不足：可用 {available}，需要 {needed}。",
    ),
    "invalid_purpose": ("Not a payment purpose.", "不是有效的付款用途。"),
    "invalid_memo": ("The memo is too long.", "备注过长。"),
    "invalid_transfer": ("Name another category of yours.", "请指定您的另一个品类。"),
    "duplicate_transfer": ("This transfer was received.", "该转账已入账。"),
    "not_allocated": ("Only allocated money moves.", "只有已分配到品类的资金可以划转。"),
    "bank_reference_conflict": (
        "That bank reference is another's.",
        "该银行流水号已登记给其他企业。",
    ),
    "rebate_reference_conflict": ("That rebate is credited.", "该返利已入账。"),
    "unbalanced_entry": ("The entry does not balance.", "分录借贷不平衡。"),
    "no_credit_line": ("No credit line.", "该账户没有授信额度。"),
    "credit_line_not_open": ("No open credit line.", "没有有效的授信额度。"),
    "credit_frozen": ("The credit line is frozen.", "授信额度已冻结，须先还清逾期账单。"),
    "exceeds_credit_used": ("More than the credit used.", "超过已用授信额度。"),
    "invalid_grace_days": ("Grace days out of range.", "宽限天数超出范围。"),
    "invalid_late_fee_rate": ("The late-fee rate is out of range.", "滞纳金日费率超出范围。"),
    "payment_not_overdue": ("The payment is not overdue.", "款项未逾期。"),
    "deposit_already_locked": ("The deposit is locked already.", "保证金已冻结。"),
    "deposit_not_locked": ("No deposit is locked.", "没有冻结的保证金。"),
    "deposit_forfeited": ("The deposit is forfeited.", "保证金已罚没。"),
    # ---- auctions
    "auction_invalid": ("The auction request is not valid.", "竞拍请求无效。"),
    "auction_conflict": ("The auction's state forbids it.", "当前竞拍状态不允许此操作。"),
    "auction_not_open": ("The auction is not open.", "竞拍尚未开始。"),
    "auction_closed": ("The auction is closed.", "竞拍已结束。"),
    "auction_cancelled": ("The auction is cancelled.", "竞拍已取消。"),
    "auction_not_ended": ("The auction has not ended.", "竞拍尚未结束。"),
    "session_cancelled": ("The session is cancelled.", "场次已取消。"),
    "bid_too_low": ("Bid at least {minimum_bid}.", "出价过低，最低出价 {minimum_bid}。"),
    "bid_off_increment": ("Bid in whole increments.", "出价须为起拍价加整数倍加价幅度。"),
    "duplicate_lot": ("This lot is in the session.", "该拍品已在场次中。"),
    "duplicate_lot_no": ("This lot number is used.", "该拍品编号已在场次中使用。"),
    "not_awarded": ("Only an awarded lot has a contract.", "只有成交的拍品才有合同。"),
    "not_a_bidder": ("The winner did not bid.", "中标方未参与出价。"),
    "lot_settled": ("This lot is closed.", "该拍品已结束。"),
    "award_settled": ("The award is settled.", "成交已结算。"),
    "contract_already_linked": ("This award has its contract.", "该成交已有合同。"),
    "breach_notice_required": ("Give the breach notice's number.", "请填写违约通知编号。"),
    "breach_notice_conflict": ("That breach is charged.", "该违约已扣罚。"),
    # ---- intents
    "intent_invalid": ("The intent is not valid.", "意向无效。"),
    "intent_conflict": ("The intent's state forbids it.", "当前意向状态不允许此操作。"),
    "missing_specification": ("Specifications are missing.", "缺少规格：{missing}。"),
    "unknown_specification": ("Unknown specifications.", "未知的规格：{unknown}。"),
    "not_supplemented": ("Not supplemented yet.", "客户经理尚未补充意向。"),
    "supplement_changed": ("The supplement changed.", "意向补充已更新，请确认最新版本。"),
    "out_of_turn": ("Level {expected_level} decides now.", "当前应由第 {expected_level} 级评审。"),
    "wrong_reviewer": ("The role {role_required} decides.", "该级评审须由 {role_required} 执行。"),
    "invalid_score": ("A score from 0 to 100.", "评分须为 0–100。"),
    "invalid_review_chain": ("Not a valid review chain.", "评审链无效。"),
    "invalid_production_week": ("That production week is over.", "生产周无效或已过。"),
    "invalid_delivery_month": ("The delivery month has passed.", "交货月份已过。"),
    "already_converted": ("This intent has its contract.", "该意向已转合同。"),
    # ---- audit
    "version_beyond_end": (
        "The stream ends at {last_version}.",
        "该记录流只到第 {last_version} 版。",
    ),
    "before_first_event": (
        "Before the stream's first event ({first_event_at}).",
        "该时刻早于记录流的第一个事件（{first_event_at}），当时尚不存在。",
    ),
    "time_needs_zone": ("Give the time's zone.", "请给出时间的时区：UTC 用 Z，北京时间用 +08:00。"),
    "version_or_time": ("A version or a time, not both.", "请只指定版本或时间之一。"),
    "as_of_in_future": ("That date has not begun.", "对账日期尚未开始。"),
    "company_not_bound": ("No company bound.", "该账户尚未绑定企业，无可确认的余额。"),
    "signing_key_unavailable": ("No signing key.", "平台签名密钥不可用。"),
    # ---- tamper evidence: checkpoints and proofs
    "position_not_checkpointed": (
        "That position is not yet in any checkpoint.",
        "位置 {position} 尚未包含在任何已签名检查点中；请先生成检查点或等待下一次。",
    ),
    "checkpoint_order": ("The old checkpoint is the larger.", "旧检查点的规模大于新检查点。"),
    "store_empty": ("The store holds no events yet.", "事件存储中尚无事件，无可签名的内容。"),
    "tree_incomplete": ("Stored tree nodes are missing.", "存储的默克尔树节点缺失。"),
}


def language(accept_language: str | None) -> str:
    """``zh-CN`` when the client prefers Chinese over English, else ``en``: the language range
    with the highest q (a ``q=0`` range is refused; ties keep the client's order). Every Chinese
    tag counts (zh-TW, zh-HK, zh-Hant too): the Simplified text is the only Chinese there is, and
    closer to the reader than English."""
    best, best_q = EN, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = _quality(params)
        tag = tag.strip().lower()
        lang = ZH if tag == "zh" or tag.startswith("zh-") else EN
        if tag.startswith(("zh", "en", "*")) and q > best_q:
            best, best_q = lang, q
    return best


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def detail_in(lang: str, code: str, english: str, extra: dict[str, Any]) -> str:
    """The problem's detail in ``lang``: the English one as raised, or the catalogue's Chinese
    with the extras filled in (lists joined with 、); the English when it cannot say it."""
    texts = TEXTS.get(code)
    if lang != ZH or texts is None:
        return english
    fields = {n for _, n, _, _ in string.Formatter().parse(texts[1]) if n}
    if any(extra.get(n) in (None, "") for n in fields):
        return english
    return texts[1].format(**{n: _text(extra[n]) for n in fields})


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value)
    return str(value)
