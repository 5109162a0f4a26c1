"""Demo records of the services beyond dispatch (`manage.py seed_cases`, development only).

Made through the real actions by the demo accounts, like the demo cases: granted hardship
certifications (two ending within 30 days, for the proactive list), school-fee waivers that
found one (and one that found none), relief paid over two years, a legal-aid volunteer team in
each demo district with its accounts, legal-aid cases given to a volunteer (one person then
withdrew the consent, so the volunteer no longer sees it), and employment outcomes.
Idempotent: once the demo has a certification, nothing is made again.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tongcheng.cases.actions import legalaid, services
from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.models import Case, Channel, Nature, Service
from tongcheng.cases.servicemodels import Certification, LegalVolunteer
from tongcheng.lib.roles import Role
from tongcheng.org.demo import DEMO_PASSWORD
from tongcheng.org.models import Area, Department, Membership, User
from tongcheng.registry.actions.household import consent_give, consent_withdraw
from tongcheng.registry.models import Consent, Person

HEPING = "140403001001"
LUZHOU = "140403000000"
SHANGDANG = "140404000000"
# Files of 和平社区 the records are made for, each file once.
NEEDED = 15
TEAMS = [
    ("luzhou.volunteer", LUZHOU, "牛振华", "13903550101", "劳动争议、工伤赔偿"),
    ("shangdang.volunteer", SHANGDANG, "郭文静", "13903550202", "婚姻家庭、租房纠纷"),
]


def _people(count: int, offset: int = 0) -> list[Person]:
    return list(
        Person.objects.filter(area_code=HEPING, status=Person.Status.ACTIVE).order_by("pk")[
            offset : offset + count
        ]
    )


def _handled(person: Person, code: str, unit: str, liaison: str, text: str) -> Case:
    """A case of the file, opened by the centre, dispatched by the hotline, signed by the unit."""
    case = case_open(
        actor=User.objects.get(username="heping.community"),
        data=CaseInput(
            service=Service.objects.get(code=code), nature=Nature.HELP, description=text,
            channel=Channel.COMMUNITY, person=person,
        ),
    )  # fmt: skip
    hotline = User.objects.get(username="city.hotline")
    case = moves.case_dispatch(
        actor=hotline, case_id=case.pk, expected_version=case.version,
        lead=Department.objects.get(code=unit),
    )  # fmt: skip
    return moves.case_sign(
        actor=User.objects.get(username=liaison), case_id=case.pk, expected_version=case.version
    )


def _certifications(today: date) -> list[Certification]:
    granted = []
    # (days the certification has run, days it still runs): two end within 30 days.
    for person, (ran, left) in zip(
        _people(5), [(340, 12), (350, 25), (60, 300), (120, 240), (10, 355)], strict=False
    ):
        case = _handled(person, "hardship-certification", "city-civil", "civil.liaison",
                        "申请特困认定，需要开具证明")  # fmt: skip
        granted.append(
            services.certification_grant(
                actor=User.objects.get(username="civil.liaison"),
                case_id=case.pk,
                valid_from=today - timedelta(days=ran),
                valid_until=today + timedelta(days=left),
            )
        )
    return granted


def _waivers(granted: list[Certification], today: date) -> None:
    edu = "edu.liaison"
    for person in [c.person for c in granted[:2]] + _people(1, offset=5):
        case = _handled(person, "school-fee-waiver", "city-edu", edu, "孩子上学，申请学杂费减免")
        services.waiver_record(
            actor=User.objects.get(username=edu), case_id=case.pk,
            data=services.WaiverInput(Decimal("1200.00"), today, today + timedelta(days=180)),
        )  # fmt: skip


def _relief(today: date) -> None:
    civil = User.objects.get(username="civil.liaison")
    for n, person in enumerate(_people(4, offset=6)):
        case = _handled(person, "temporary-relief", "city-civil", "civil.liaison",
                        "家中老人住院，生活临时困难")  # fmt: skip
        for months_ago, kind, amount in ((14 + n, "cash", "800"), (2 + n, "in_kind", "350.50")):
            services.relief_record(
                actor=civil, case_id=case.pk, kind=kind, amount=Decimal(amount),
                paid_on=today - timedelta(days=30 * months_ago),
            )  # fmt: skip


def _team() -> dict[str, LegalVolunteer]:
    office = User.objects.get(username="luzhou.office")
    team = {}
    for username, district_code, name, contact, skills in TEAMS:
        district = Area.objects.get(code=district_code)
        account, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name}
        )
        if created:
            account.set_password(DEMO_PASSWORD)
            account.save(update_fields=["password"])
            Membership.objects.create(user=account, role=Role.LEGAL_VOLUNTEER, area=district)
        keeper = office if district_code == LUZHOU else User.objects.get(username="city.admin")
        team[username] = legalaid.volunteer_create(
            actor=keeper, account=account, district=district,
            data=legalaid.VolunteerInput(name=name, contact=contact, skills=skills),
        )  # fmt: skip
    return team


def _legal_aid(team: dict[str, LegalVolunteer], today: date) -> None:
    centre = User.objects.get(username="heping.community")
    office = User.objects.get(username="luzhou.office")
    for n, person in enumerate(_people(2, offset=10)):
        consent = consent_give(actor=centre, person=person, kind=Consent.Kind.LEGAL_AID_SHARING,
                               given_on=today - timedelta(days=20))  # fmt: skip
        case = case_open(
            actor=centre,
            data=CaseInput(
                service=Service.objects.get(code="legal-aid"), nature=Nature.HELP,
                description="被辞退后想咨询法律援助", channel=Channel.COMMUNITY, person=person,
            ),
        )  # fmt: skip
        legalaid.legal_aid_assign(actor=office, case_id=case.pk,
                                  volunteer=team["luzhou.volunteer"])  # fmt: skip
        if n == 1:
            # The person withdrew the consent: the volunteer no longer sees this case.
            consent_withdraw(actor=centre, consent=consent)


def _employment(today: date) -> None:
    liaison = User.objects.get(username="luzhou-hrss.liaison")
    outcomes = [
        ("referral", "长治市某清真餐饮公司", "hired"),
        ("training", "中式面点师培训班", "completed"),
        ("referral", "潞州区某物流公司", "pending"),
    ]
    for person, (kind, partner, result) in zip(_people(3, offset=12), outcomes, strict=False):
        case = _handled(person, "job-seeking", "140403-hrss", "luzhou-hrss.liaison",
                        "想找一份稳定的工作")  # fmt: skip
        services.employment_record(
            actor=liaison, case_id=case.pk,
            data=services.OutcomeInput(kind, partner, result, today - timedelta(days=5)),
        )  # fmt: skip


@transaction.atomic
def services_seed() -> bool:
    """Seed the services' demo records once (False: they are there already or no ledger)."""
    if Certification.objects.exists() or len(_people(NEEDED)) < NEEDED:
        return False
    today = timezone.localdate()
    granted = _certifications(today)
    _waivers(granted, today)
    _relief(today)
    _legal_aid(_team(), today)
    _employment(today)
    return True
