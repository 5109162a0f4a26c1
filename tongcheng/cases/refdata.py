"""The service catalogue: the services the member units give, each with its unit and group.

Reference data that ships with the product (the plan's section 二, the member units' duties),
loaded by the migration `0002_load_services` and again by tests that empty the tables. Loading
again creates nothing twice and never deletes.
"""

from __future__ import annotations

from typing import Any

# code, name, 三必帮 group, service category (org), member unit key, kind
SERVICES = [
    ("job-seeking", "求职登记与职业介绍", "employment", "employment", "hrss", "employment"),
    ("employment-training", "创业就业培训", "employment", "training", "hrss", "employment"),
    ("start-up-guidance", "创业指导与小额贷款", "employment", "employment", "hrss", "employment"),
    ("labour-rights", "劳动合同与工资权益", "employment", "social-insurance", "hrss", "general"),
    ("wage-arrears", "建筑工地欠薪", "employment", "construction-workers", "housing", "general"),
    (
        "business-registration",
        "个体工商户登记",
        "procedures",
        "business-registration",
        "commerce",
        "general",
    ),
    ("residence-permit", "居住证办理", "procedures", "registration-residence", "police", "general"),
    (
        "social-insurance",
        "社会保险关系转移接续",
        "procedures",
        "social-insurance",
        "hrss",
        "general",
    ),
    ("school-enrolment", "子女入学", "procedures", "school-enrolment", "edu", "general"),
    ("family-planning", "计划生育服务与证明", "procedures", "family-planning", "family", "general"),
    (
        "hardship-certification",
        "特困认定和证明出具",
        "living",
        "hardship-certification",
        "civil",
        "hardship_certification",
    ),
    ("temporary-relief", "临时救助", "living", "relief", "civil", "relief"),
    ("school-fee-waiver", "子女就学费用减免", "living", "fee-waiver", "edu", "fee_waiver"),
    ("medical-fee-waiver", "医疗费用减免", "living", "fee-waiver", "health", "fee_waiver"),
    ("public-health", "基本公共卫生服务", "living", "public-health", "health", "general"),
    ("legal-aid", "法律援助", "living", "legal-aid", "justice", "legal_aid"),
    ("legal-consultation", "法律咨询", "living", "legal-education", "justice", "general"),
    (
        "rights-coordination",
        "合法权益维护协调",
        "living",
        "rights-coordination",
        "politics",
        "general",
    ),
    ("ethnic-policy", "民族政策咨询", "procedures", "policy-guidance", "ethnic", "general"),
]


def load_services(Service: Any) -> int:
    """Create the services missing from the catalogue (`Service`: the model or its history)."""
    have = set(Service.objects.values_list("code", flat=True))
    created = Service.objects.bulk_create(
        Service(
            code=code, name=name, group=group, category=category, unit=unit, kind=kind, order=order
        )
        for order, (code, name, group, category, unit, kind) in enumerate(SERVICES, start=1)
        if code not in have
    )
    return len(created)
