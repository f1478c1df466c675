"""A rebate policy as the API shows it, every version with its validity, rate or tiers."""

from __future__ import annotations

from typing import Any

from domain.rebates.policy import RebatePolicy
from domain.rebates.values import PolicyTerms

Result = dict[str, Any]


def describe(policy: RebatePolicy) -> Result:
    return {
        "policy_id": policy.id,
        "policy_no": policy.policy_no,
        "name": policy.name,
        "kind": policy.kind.value,
        "kind_label": policy.label,
        "level": policy.scope.level,
        "customer_id": policy.scope.customer_id,
        "category": policy.category,
        "product_id": policy.product_id,
        "current_version": policy.latest.version,
        "versions": [terms_of(v) for v in policy.versions],
    }


def terms_of(terms: PolicyTerms) -> Result:
    return {
        "version": terms.version,
        "valid_from": terms.valid_from,
        "valid_to": terms.valid_to,
        "rate": terms.rate,
        "measure": terms.measure,
        "whole_period": terms.whole_period,
        "tiers": [{"lower": t.lower, "upper": t.upper, "rate": t.rate} for t in terms.tiers],
    }
