"""The ledger (信息台账): one file per migrant resident, its household, visits and movements.

Personal identifiers are never stored in clear: the ID number, phone and exact address are
encrypted (tongcheng.lib.crypto), with a keyed hash for exact lookup and the last 4 characters
for suffix search. Every file belongs to one community (`community`, with its code copied to
`area_code` so that scoping is one indexed range: scope.py).

Long because one module holds the ledger's schema: the file and every row that belongs to it
(household, consents, visits, movements, history, name keys, duplicates, merges, imports, the
dashboard summary), each with its QuerySet vocabulary. Split, the modules would import each
other for their foreign keys and querysets; read together, the relations and constraints are
one page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongcheng.lib.areacodes import subtree_q
from tongcheng.org.models import Area, Ethnicity, Region
from tongcheng.registry import rules, scope

if TYPE_CHECKING:
    from tongcheng.org.models import User


class Occupation(models.TextChoices):
    NOODLE_RESTAURANT = "noodle_restaurant", _("Noodle shop / restaurant owner")
    CATERING_WORK = "catering_work", _("Catering staff")
    CONSTRUCTION = "construction", _("Construction worker")
    VENDOR = "vendor", _("Self-employed trader")
    TRANSPORT = "transport", _("Transport")
    FACTORY = "factory", _("Factory worker")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Not working")
    OTHER = "other", _("Other")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        """Files inside the area subtree of the user's record-reading memberships (scope.py)."""
        return self.filter(scope.persons_q(user))

    def active(self) -> PersonQuerySet:
        return self.filter(status=Person.Status.ACTIVE)

    def in_area(self, area: Area) -> PersonQuerySet:
        return self.filter(subtree_q([area.prefix]))

    def with_gaps(self) -> PersonQuerySet:
        """Files where origin, address or occupation (三必清) is not known."""
        return self.filter(rules.gaps_q())

    def all_known(self) -> PersonQuerySet:
        """Files where origin, address and occupation (三必清) are all known."""
        return self.filter(rules.all_known_q())

    def unverified_since(self, cutoff: date) -> PersonQuerySet:
        """Files where any of the three was not verified by a visit since `cutoff`."""
        return self.filter(rules.unverified_q(cutoff))

    def permit_expiring(self, within_days: int = 30, today: date | None = None) -> PersonQuerySet:
        start = today or timezone.localdate()
        return self.filter(
            permit_expires_on__gte=start, permit_expires_on__lte=start + timedelta(within_days)
        )


class Person(models.Model):
    """A migrant resident's file (建档)."""

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        MOVED_AWAY = "moved_away", _("Moved away")
        RETURNED_HOME = "returned_home", _("Returned home")
        SETTLED = "settled", _("Settled (household registered)")

    class PermitKind(models.TextChoices):
        RESIDENCE = "residence", _("Residence permit")
        TEMPORARY = "temporary", _("Temporary residence permit")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    # Search keys derived from the name (lib.pinyin): full pinyin and initials, lowercase.
    name_pinyin = models.CharField(max_length=128, blank=True, editable=False)
    name_initials = models.CharField(max_length=32, blank=True, editable=False)
    ethnicity = models.ForeignKey(
        Ethnicity, models.PROTECT, related_name="+", verbose_name=_("ethnicity")
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_last4 = models.CharField(max_length=4, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)

    origin_region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place of origin"),
    )
    # The province of origin, copied from origin_region for filters and statistics.
    origin_province = models.CharField(max_length=2, blank=True, editable=False)
    origin_text = models.CharField(_("origin (details)"), max_length=128, blank=True)

    community = models.ForeignKey(
        Area, models.PROTECT, related_name="persons", verbose_name=_("community")
    )
    area_code = models.CharField(max_length=12, editable=False)
    address_enc = models.TextField(blank=True, editable=False)

    occupation = models.CharField(
        _("occupation"), max_length=24, choices=Occupation.choices, blank=True
    )
    occupation_text = models.CharField(_("occupation (details)"), max_length=128, blank=True)
    employer = models.CharField(_("employer or business"), max_length=128, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    arrived_on = models.DateField(_("arrived in the city on"), null=True, blank=True)
    permit_kind = models.CharField(
        _("permit"), max_length=12, choices=PermitKind.choices, blank=True
    )
    permit_number_enc = models.TextField(blank=True, editable=False)
    permit_issued_on = models.DateField(_("permit issued on"), null=True, blank=True)
    permit_expires_on = models.DateField(_("permit expires on"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("status since"), default=timezone.localdate)

    # 三必清: when each of the three facts was last confirmed by a door-to-door visit.
    origin_verified_on = models.DateField(_("origin verified on"), null=True, blank=True)
    address_verified_on = models.DateField(_("address verified on"), null=True, blank=True)
    occupation_verified_on = models.DateField(_("occupation verified on"), null=True, blank=True)

    notice_given_on = models.DateField(_("registration notice given on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Optimistic locking: every write bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["area_code", "name_pinyin", "id"]
        verbose_name = _("person file")
        verbose_name_plural = _("person files")
        indexes = [
            models.Index(fields=["area_code", "name_pinyin"], name="person_area_pinyin_idx"),
            models.Index(fields=["area_code", "name_initials"], name="person_area_initials_idx"),
            # With the id: search pages walk them in (pinyin, id) order (registry.search).
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin_id_idx"),
            models.Index(fields=["name_initials", "id"], name="person_initials_id_idx"),
            models.Index(fields=["id_number_hash"], name="person_id_hash_idx"),
            # With the area code and the id: a last-4 search tests the scope in the index and,
            # after VACUUM, reads no row (registry.search._by_suffix).
            models.Index(
                fields=["id_number_last4", "area_code", "id"], name="person_id_last4_area_idx"
            ),
            models.Index(fields=["phone_hash"], name="person_phone_hash_idx"),
            models.Index(
                fields=["phone_last4", "area_code", "id"], name="person_phone_last4_area_idx"
            ),
            models.Index(fields=["area_code", "status"], name="person_area_status_idx"),
            models.Index(fields=["permit_expires_on"], name="person_permit_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_code__digits=12), name="person_area_code_12"),
            # One file per ID number, held by the database: the actions' look-up before the
            # insert cannot see a concurrent request's file (actions.persons turns a refusal
            # into the known-number answer). Every status counts: a person who moved away or
            # went home keeps the one file and is reactivated on it, and a merged file is
            # deleted. Files without a number are left out.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="person_one_file_per_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def three_clear(self) -> dict[str, bool]:
        """三必清: whether origin, address and occupation are each known (rules.known_facts)."""
        return rules.known_facts(vars(self))


class PersonRowQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows that belong to one file (household, consents, history, name keys, merges)."""

    def visible_to(self, user: User) -> PersonRowQuerySet[M]:
        """The rows of the files the user sees (scope.py)."""
        return self.filter(scope.of_visible_person_q(user))


class HouseholdMember(models.Model):
    """A family member living with the person (children especially: school enrolment)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other relative")

    person = models.ForeignKey(Person, models.CASCADE, related_name="household")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    school = models.CharField(_("school"), max_length=128, blank=True)

    objects = PersonRowQuerySet["HouseholdMember"].as_manager()

    class Meta:
        ordering = ["person_id", "birth_date", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """A separate, withdrawable consent the person gave (e.g. sharing with legal-aid volunteers)."""

    class Kind(models.TextChoices):
        LEGAL_AID_SHARING = "legal_aid_sharing", _("Share my file with legal-aid volunteers")
        CONTACT_BY_PHONE = "contact_by_phone", _("Contact me by phone about services")

    person = models.ForeignKey(Person, models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=24, choices=Kind.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonRowQuerySet["Consent"].as_manager()

    class Meta:
        ordering = ["person_id", "kind", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: User) -> VisitQuerySet:
        """Visits of the files the user sees (a visit carries its file's community code)."""
        return self.filter(scope.persons_q(user))


class Visit(models.Model):
    """A door-to-door survey visit (入户调查) that verifies or updates a file."""

    class Outcome(models.TextChoices):
        MET = "met", _("Met the person")
        NOT_HOME = "not_home", _("Not at home")
        MOVED_AWAY = "moved_away", _("Moved away")
        ADDRESS_WRONG = "address_wrong", _("Address wrong")

    person = models.ForeignKey(Person, models.CASCADE, related_name="visits")
    area_code = models.CharField(max_length=12, editable=False)
    visited_on = models.DateField(_("visit date"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    verified_origin = models.BooleanField(_("origin verified"), default=False)
    verified_address = models.BooleanField(_("address verified"), default=False)
    verified_occupation = models.BooleanField(_("occupation verified"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_outcome_display()}"


class MovementQuerySet(models.QuerySet["Movement"]):
    def visible_to(self, user: User) -> MovementQuerySet:
        """Movements of the files the user sees, and transfers to or from its area (scope.py)."""
        return self.filter(scope.movements_q(user))

    def pending_transfers(self) -> MovementQuerySet:
        return self.filter(kind=Movement.Kind.TRANSFER, state=Movement.State.PENDING)

    def incoming_for(self, user: User) -> MovementQuerySet:
        """Pending transfers into a community where the user may write: theirs to decide."""
        return self.pending_transfers().filter(scope.incoming_transfers_q(user))

    def outgoing_for(self, user: User) -> MovementQuerySet:
        """Transfers out of a community where the user may write (any state)."""
        return self.filter(kind=Movement.Kind.TRANSFER).filter(scope.outgoing_transfers_q(user))


class Movement(models.Model):
    """A change of where the person lives (动态), kept for the file's history."""

    class Kind(models.TextChoices):
        ADDRESS_CHANGE = "address_change", _("Address change")
        TRANSFER = "transfer", _("Transfer to another community")
        MOVED_AWAY = "moved_away", _("Moved out of the city")
        RETURNED_HOME = "returned_home", _("Returned home")
        SETTLED = "settled", _("Settled (household registered)")
        REACTIVATED = "reactivated", _("Came back")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving community")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(Person, models.CASCADE, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    from_area = models.ForeignKey(Area, models.PROTECT, related_name="+")
    to_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+")
    moved_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_on", "-id"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state="pending"),
                name="movement_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.moved_on}"


class PersonChange(models.Model):
    """The file's history: who changed which fields, when and through what (names, not values)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    fields = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=255, blank=True)

    objects = PersonRowQuerySet["PersonChange"].as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("file change")
        verbose_name_plural = _("file changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.action}"


class NameKey(models.Model):
    """1- to 3-character pieces of names, so that short Chinese queries use an index.

    Trigram indexes cannot serve 1–2 character queries (docs/performance.md); these rows can.
    """

    # The primary key (key, person) is the search index itself: no id column, no second
    # index on (key, person). On SQLite the table is WITHOUT ROWID (migration 0004), so a
    # key is written to one B-tree instead of three; person_id is indexed for deletes.
    # No foreign-key constraint in the database: these rows are derived from the name (the
    # person's deletion still removes them, through Django), and the constraint cost a lookup
    # of the person per key — 600,000 per 100,000 imported files.
    pk = models.CompositePrimaryKey("key", "person")
    key = models.CharField(max_length=3)
    person = models.ForeignKey(Person, models.CASCADE, related_name="+", db_constraint=False)
    # The file's community code, copied here (written with the keys, and again when the file
    # moves: actions.names): a community's search walks (key, area_code, person) in order and
    # stops after one page, instead of reading each of the community's files from the table.
    # A database default, so that adding the column kept the SQLite table WITHOUT ROWID.
    area_code = models.CharField(max_length=12, db_default="")

    objects = PersonRowQuerySet["NameKey"].as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["key", "area_code", "person"], name="namekey_key_area_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class DuplicateCandidateQuerySet(models.QuerySet["DuplicateCandidate"]):
    def visible_to(self, user: User) -> DuplicateCandidateQuerySet:
        """Pairs whose two files the user both sees (scope.py)."""
        return self.filter(scope.duplicates_q(user))

    def open(self) -> DuplicateCandidateQuerySet:
        return self.filter(state=DuplicateCandidate.State.OPEN)


class DuplicateCandidate(models.Model):
    """Two files that may be one person, waiting for an officer's review."""

    class Reason(models.TextChoices):
        SAME_NAME_AND_BIRTH = rules.SAME_NAME_AND_BIRTH, _("Same name and birth date")
        SAME_PHONE = rules.SAME_PHONE, _("Same phone number")

    class State(models.TextChoices):
        OPEN = "open", _("To review")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not the same person")

    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, models.CASCADE, related_name="+")
    # The newer file's community: the review queue is scoped by it.
    area_code = models.CharField(max_length=12, editable=False)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default="open")
    found_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "other", "reason"], name="duplicate_candidate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"


class PersonMergeQuerySet(models.QuerySet["PersonMerge"]):
    def visible_to(self, user: User) -> PersonMergeQuerySet:
        """Merges into the files the user sees."""
        return self.filter(scope.persons_q(user, "kept__area_code"))


class PersonMerge(models.Model):
    """The record of a merge: which file was folded into which, and which fields it gave."""

    kept = models.ForeignKey(Person, models.PROTECT, related_name="+")
    merged_person_id = models.BigIntegerField()
    fields_taken = models.JSONField(default=list, blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_person_id} → {self.kept_id}"


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: User) -> ImportJobQuerySet:
        """Uploads into communities where the user may write (scope.py)."""
        return self.filter(scope.imports_q(user))

    def pending(self) -> ImportJobQuerySet:
        """Jobs whose import is not over: their upload is still kept (encrypted)."""
        return self.filter(state__in=ImportJob.PENDING)

    def untouched_since(self, moment: datetime) -> ImportJobQuerySet:
        """Pending jobs nobody moved on since `moment` (left, or their task was lost)."""
        return self.pending().filter(touched_at__lte=moment)

    def ended_with_upload(self) -> ImportJobQuerySet:
        """Jobs that are over but still hold their upload (an erasure that did not happen)."""
        return self.exclude(state__in=ImportJob.PENDING).filter(content__isnull=False)


class ImportJob(models.Model):
    """An uploaded ledger: validated first (dry run), then written all at once or not at all.

    The upload is kept encrypted only while the job is pending, and erased when it ends
    (actions.uploads). One pending job per file and community (the constraint below); a file
    already imported there is refused before (actions.imports.check_resubmission)."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    # The states in which the job can still go on (to a check, a commit); the others end it.
    PENDING = (State.VALIDATING, State.READY, State.IMPORTING)

    community = models.ForeignKey(Area, models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=12, editable=False)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    # The upload, encrypted (identifiers.seal_upload), kept only while the job is pending.
    content = models.BinaryField(null=True, blank=True, editable=False)
    # When the upload was erased (the state says why); null while it is kept.
    content_erased_at = models.DateTimeField(null=True, blank=True)
    # The last step of the job (upload, check, commit): 24 hours later a pending job expires.
    touched_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Counts (to create, to update, duplicates, errors) and the errors: row, column, message.
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        constraints = [
            # The same bytes uploaded twice at once into one community make one job: the
            # second insert fails here (checked before, but a check alone races).
            models.UniqueConstraint(
                fields=["community", "file_sha256"],
                condition=Q(state__in=["validating", "ready", "importing"]),
                name="importjob_one_pending_per_file",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class AreaSummaryQuerySet(models.QuerySet["AreaSummary"]):
    def visible_to(self, user: User) -> AreaSummaryQuerySet:
        """Counts of the areas of every acting membership (aggregates: leaders too)."""
        return self.filter(scope.summaries_q(user))

    def in_areas(self, prefixes: Iterable[str]) -> AreaSummaryQuerySet:
        return self.filter(subtree_q(prefixes))


class AreaSummary(models.Model):
    """Per-community file counts for the registry dashboard (registry.summary keeps them).

    One row per (community, dimension, key): e.g. (140403001001, ethnicity, 03) → 57 files.
    Maintained by the services in the same transaction as the write; never edited by hand.
    """

    class Dimension(models.TextChoices):
        TOTAL = "total", _("All files")
        STATUS = "status", _("Status")
        ETHNICITY = "ethnicity", _("Ethnic group")
        ORIGIN = "origin", _("Province of origin")
        OCCUPATION = "occupation", _("Occupation")
        ARRIVAL = "arrival", _("Arrivals per month")
        KNOWN = "known", _("Origin, address and occupation all known")
        VERIFIED = "verified", _("All three verified by a visit")

    area_code = models.CharField(max_length=12)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=32, blank=True)
    count = models.PositiveIntegerField()

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger summary row")
        verbose_name_plural = _("ledger summary rows")
        constraints = [
            # Serves the dashboard: one dimension, a range of area codes.
            models.UniqueConstraint(
                fields=["dimension", "area_code", "key"], name="areasummary_unique"
            ),
        ]
        # Both covering (count included): a city sums ~100k rows from the index alone.
        indexes = [
            # Most dimensions: one dimension, the range of area codes in scope.
            models.Index(
                fields=["dimension", "area_code", "key", "count"], name="areasummary_area_idx"
            ),
            # Arrivals and verification: one dimension, a range of keys (recent months/days).
            models.Index(
                fields=["dimension", "key", "area_code", "count"], name="areasummary_key_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.dimension} {self.key}: {self.count}"
