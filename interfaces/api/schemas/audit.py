"""The auditor's answers: a stream as of a version or a moment, and balance confirmations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from interfaces.api.schemas.common import Instant
from interfaces.history.stream import EventRecord, StreamAsOf, shanghai_text


class StreamEventPublic(BaseModel):
    type: str = Field(examples=["PaymentRecorded"])
    topic: str = Field(examples=["domain.funds.account:FundsAccount.PaymentRecorded"])
    version: int = Field(examples=[2])
    position: int | None = Field(
        description="Its place in the store's one order (the notification id)", examples=[51]
    )
    time: Instant
    time_shanghai: str = Field(
        description="The same moment in Asia/Shanghai", examples=["2026-11-26T10:00:00+08:00"]
    )
    user_id: UUID | None = Field(description="Who caused it (none: the system)")
    role: str | None = Field(examples=["finance"])
    request_id: str | None = Field(examples=["3f2c0e9a1b7d4c7e8a5b6c1d2e3f4a5b"])
    reason: str | None = Field(
        description="The command's stated reason, where it gave one (a rejection, a void …)"
    )
    fields: dict[str, Any] = Field(
        description="What the event says (decimals and ids as strings; secrets hidden)"
    )

    @classmethod
    def of(cls, record: EventRecord) -> StreamEventPublic:
        return cls(
            type=record.type,
            topic=record.topic,
            version=record.version,
            position=record.position,
            time=record.time,
            time_shanghai=shanghai_text(record.time),
            user_id=record.user_id,
            role=record.role,
            request_id=record.request_id,
            reason=record.reason,
            fields=record.fields,
        )


class StreamAsOfPublic(BaseModel):
    """An aggregate as it stood at ``version``, with every event up to it."""

    stream_id: UUID
    aggregate: str = Field(examples=["FundsAccount"])
    version: int = Field(description="The version shown", examples=[3])
    last_version: int = Field(description="The stream's newest version now", examples=[10])
    as_of: Instant = Field(description="When the event at ``version`` happened")
    as_of_shanghai: str = Field(examples=["2026-11-26T10:00:00+08:00"])
    state: dict[str, Any] = Field(
        description="The aggregate's fields at that version (decimals and ids as strings, "
        "secrets such as password hashes and reset codes hidden)"
    )
    events: list[StreamEventPublic]

    @classmethod
    def of(cls, found: StreamAsOf) -> StreamAsOfPublic:
        return cls(
            stream_id=found.stream_id,
            aggregate=found.aggregate,
            version=found.version,
            last_version=found.last_version,
            as_of=found.as_of,
            as_of_shanghai=shanghai_text(found.as_of),
            state=found.state,
            events=[StreamEventPublic.of(e) for e in found.events],
        )


# ---- balance confirmations (对账单 / 询证函) ---------------------------------------------------


class StatementCompany(BaseModel):
    id: UUID
    name: str = Field(examples=["Qingdao Coil Processing Co."])
    credit_code: str = Field(examples=["91370200MA00000015"])


class StatementFundsAccount(BaseModel):
    stream_id: UUID
    version: int = Field(description="The funds account's last event counted")


class StatementLine(BaseModel):
    bucket: str = Field(examples=["category:HRC"])
    amount: str = Field(examples=["800000.00"], description="Signed CNY")


class StatementEntry(BaseModel):
    entry_id: UUID
    posted_on: str = Field(examples=["2026-12-31"], description="Asia/Shanghai business date")
    posted_at: str = Field(examples=["2026-12-31T02:00:00Z"])
    kind: str = Field(examples=["allocation"])
    memo: str
    reference: str
    lines: list[StatementLine]


class StatementContract(BaseModel):
    contract_id: UUID
    contract_no: str
    state: str = Field(examples=["established"])
    total_amount: str = Field(examples=["110670.00"])
    paid_amount: str = Field(examples=["110670.00"], description="Funds reserved for it")
    credit_drawn: str = Field(examples=["0.00"])
    version: int = Field(description="The contract's last event counted")


class StatementIssuer(BaseModel):
    user_id: UUID | None
    role: str = Field(examples=["finance"])


class Statement(BaseModel):
    """Everything but ``issued_at`` and ``issued_by`` is recomputed from the store by a check."""

    kind: str = Field(examples=["steelyard.balance_confirmation"])
    format: int = Field(examples=[1])
    company: StatementCompany
    as_of: str = Field(examples=["2026-12-31"], description="Asia/Shanghai business date")
    cutoff: str = Field(
        examples=["2026-12-31T15:59:59.999999Z"],
        description="Events at or before it count: the end of as_of, or the moment of issue",
    )
    currency: str = Field(examples=["CNY"])
    funds_account: StatementFundsAccount
    figures: dict[str, str] = Field(
        description="financial_balance, available_to_order, unallocated, allocated, held, "
        "reserved, deposit_free, deposit_locked, rebate, credit_limit, credit_used, "
        "credit_available (CNY)"
    )
    buckets: dict[str, str] = Field(description="Every non-zero bucket, both sides (CNY)")
    journal: list[StatementEntry] = Field(description="Every journal entry up to the cutoff")
    open_contracts: list[StatementContract]
    issued_at: str = Field(examples=["2027-01-05T02:00:00Z"])
    issued_by: StatementIssuer


class StatementSignature(BaseModel):
    algorithm: str = Field(examples=["Ed25519"])
    key_id: str = Field(examples=["3f2c0e9a1b7d4c7e"], description="SHA-256 of the key, 16 hex")
    public_key: str = Field(description="The platform's public key (PEM)")
    value: str = Field(description="base64 of the signature over the statement's canonical JSON")


class SignedStatement(BaseModel):
    """The file to keep: ``statement`` and its Ed25519 ``signature`` over the statement as
    canonical JSON (keys sorted, no spaces, UTF-8)."""

    statement: Statement
    signature: StatementSignature
