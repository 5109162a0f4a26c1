"""Keeping the cadence's summaries: the slots of an appointment and the tallies they add up to.

Every write calls these in its own transaction (docs/engagement.md, "The summaries"):

- `sync_slots(rep)` after an appointment is made, edited or ended: its slots become exactly the
  periods of its appointment (cadence.periods), with their due flags; a period not yet over
  takes the appointment's officer and area now, a past one keeps who was responsible then;
- `count_contact(contact, +1 / -1)` when a contact is recorded or deleted;
- `resync_forum_year(year)` when the festival date of a year is entered.

Each of them works out how the tallies change (`Deltas`) and adds them in one statement per
batch, `INSERT … ON CONFLICT (key) DO UPDATE SET due = due + excluded.due, …`, the same on both
engines, so two writes adding to one tally at once cannot lose an addition. The callers hold
the representative's row lock, so one appointment's slots change one write at a time.

`recount()` computes the slots and tallies from the appointments and contacts as they stand;
the tests and `manage.py rebuild_engagement_summary` hold the summaries to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from tongcheng.engagement import cadence
from tongcheng.engagement.models import Contact, FestivalDate, Kind, Representative, Slot, Tally

# (area code, officer id, kind, period)
TallyKey = tuple[str, int, str, date]


class Deltas:
    """Changes to tallies, added up before they are written."""

    def __init__(self) -> None:
        self.rows: dict[TallyKey, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, slot: Slot, sign: int) -> None:
        if not slot.due:
            return
        key = (slot.area_code, slot.officer_id, slot.kind, slot.period)
        self.rows[key][0] += sign
        self.rows[key][1] += sign * int(slot.done > 0)

    def write(self) -> None:
        rows = [(key, due, done) for key, (due, done) in self.rows.items() if due or done]
        if not rows:
            return
        table = connection.ops.quote_name(Tally._meta.db_table)
        names = ["area_code", "officer_id", "kind", "period", "due", "done"]
        quoted = [connection.ops.quote_name(name) for name in names]
        due, done = quoted[4], quoted[5]
        # Names from the model's own metadata, values as parameters: nothing typed reaches SQL.
        sql = (
            f"INSERT INTO {table} ({', '.join(quoted)}) VALUES (%s, %s, %s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({', '.join(quoted[:4])}) DO UPDATE SET "
            f"{due} = {table}.{due} + excluded.{due}, {done} = {table}.{done} + excluded.{done}"
        )
        params = [
            (area, officer, kind, connection.ops.adapt_datefield_value(period), n_due, n_done)
            for (area, officer, kind, period), n_due, n_done in sorted(rows)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def festivals() -> cadence.Festivals:
    """The festival dates in force: the entered ones (a small table) over the computed ones."""
    entered = FestivalDate.objects.exclude(eid_al_adha=None).values_list("year", "eid_al_adha")
    return cadence.Festivals({year: day for year, day in entered if day is not None})


def sync_slots(rep: Representative, *, today: date | None = None) -> None:
    """Make the appointment's slots the periods of its appointment (create, edit, end)."""
    today = today or timezone.localdate()
    expected = {
        (p.kind, p.start): p.due for p in cadence.periods(rep.term_from, rep.last_day, festivals())
    }
    existing = {(s.kind, s.period): s for s in Slot.objects.filter(representative=rep)}
    deltas = Deltas()
    gone = [slot for key, slot in existing.items() if key not in expected]
    for old in gone:
        deltas.add(old, -1)
    new: list[Slot] = []
    changed: list[Slot] = []
    for (kind, start), due in expected.items():
        slot = existing.get((kind, start))
        if slot is None:
            new.append(Slot(representative=rep, kind=kind, period=start, due=due,
                            officer_id=rep.officer_id, area_code=rep.area_code))  # fmt: skip
            deltas.add(new[-1], +1)
            continue
        current = cadence.period_end(kind, start) >= today
        officer = rep.officer_id if current else slot.officer_id
        area = rep.area_code if current else slot.area_code
        if (slot.due, slot.officer_id, slot.area_code) == (due, officer, area):
            continue
        deltas.add(slot, -1)
        slot.due, slot.officer_id, slot.area_code = due, officer, area
        deltas.add(slot, +1)
        changed.append(slot)
    if gone:
        Slot.objects.filter(pk__in=[slot.pk for slot in gone]).delete()
    Slot.objects.bulk_create(new, batch_size=500)
    Slot.objects.bulk_update(changed, ["due", "officer", "area_code"], batch_size=500)
    deltas.write()


def count_contact(contact: Contact, sign: int, fest: cadence.Festivals | None = None) -> None:
    """A contact recorded (+1) or deleted (-1): its slots and their tallies."""
    deltas = Deltas()
    for kind, start in cadence.slot_keys(contact.kind, contact.held_on, fest or festivals()):
        found = Slot.objects.filter(representative_id=contact.representative_id, kind=kind,
                                    period=start).first()  # fmt: skip
        if found is None:  # a forum counting for a year outside the term counts nowhere
            continue
        slot = found
        deltas.add(slot, -1)
        slot.done += sign
        deltas.add(slot, +1)
        Slot.objects.filter(pk=slot.pk).update(done=slot.done)
    deltas.write()


def resync_forum_year(year: int) -> int:
    """After a year's festival date changed: that year's forum slots, due and done, again.

    A forum counts for the year when held within the window around its festival day, so the
    forums of the slots are counted again; a forum now outside every window counts nowhere.
    """
    fest = festivals()
    start = date(year, 1, 1)
    day = fest.adha(year)
    window = fest.window(year)
    slots = list(Slot.objects.filter(kind=cadence.FORUM, period=start).select_related(
        "representative"))  # fmt: skip
    held: dict[int, int] = {}
    if window is not None:
        rows = (
            Contact.objects.filter(kind=Kind.FORUM, held_on__range=window)
            .values("representative").annotate(n=Count("pk")).values_list("representative", "n")
        )  # fmt: skip
        held = dict(rows)
    deltas = Deltas()
    changed = []
    for slot in slots:
        rep = slot.representative
        due = day is not None and rep.term_from <= day <= rep.last_day
        done = held.get(rep.pk, 0)
        if (slot.due, slot.done) == (due, done):
            continue
        deltas.add(slot, -1)
        slot.due, slot.done = due, done
        deltas.add(slot, +1)
        changed.append(slot)
    Slot.objects.bulk_update(changed, ["due", "done"], batch_size=500)
    deltas.write()
    return len(changed)


# --- The recount: the same rows computed from the appointments and contacts ---------------

SlotRow = tuple[int, str, date, bool, int]


def recount_slots(reps: Iterable[Representative] | None = None) -> set[SlotRow]:
    """(representative, kind, period, due, done) of every slot, from the appointments."""
    fest = festivals()
    chosen = list(reps) if reps is not None else list(Representative.objects.all())
    done: dict[tuple[int, str, date], int] = defaultdict(int)
    contacts = Contact.objects.filter(representative__in=[r.pk for r in chosen])
    for rep_id, kind, held_on in contacts.values_list("representative", "kind", "held_on"):
        for key in cadence.slot_keys(kind, held_on, fest):
            done[(rep_id, *key)] += 1
    return {
        (rep.pk, p.kind, p.start, p.due, done.get((rep.pk, p.kind, p.start), 0))
        for rep in chosen
        for p in cadence.periods(rep.term_from, rep.last_day, fest)
    }


def slot_rows() -> set[SlotRow]:
    return set(Slot.objects.values_list("representative", "kind", "period", "due", "done"))


def recount_tallies() -> dict[TallyKey, tuple[int, int]]:
    """The tallies as the slots add up (zero rows left out)."""
    rows: dict[TallyKey, list[int]] = defaultdict(lambda: [0, 0])
    for area, officer, kind, period, _due, done in Slot.objects.filter(due=True).values_list(
        "area_code", "officer", "kind", "period", "due", "done"
    ):
        rows[(area, officer, kind, period)][0] += 1
        rows[(area, officer, kind, period)][1] += int(done > 0)
    return {key: (due, done) for key, (due, done) in rows.items()}


def tally_rows() -> dict[TallyKey, tuple[int, int]]:
    return {
        (area, officer, kind, period): (due, done)
        for area, officer, kind, period, due, done in Tally.objects.values_list(
            "area_code", "officer", "kind", "period", "due", "done"
        )
        if due or done
    }


def refresh_counts() -> None:
    """Set every slot's contacts from the contacts, then write the tallies from the slots: the
    bulk path after contacts were loaded in bulk (the demo) or a repair. Slots keep their
    officers and areas."""
    fest = festivals()
    done: dict[tuple[int, str, date], int] = defaultdict(int)
    for rep_id, kind, held_on in Contact.objects.values_list("representative", "kind", "held_on"):
        for key in cadence.slot_keys(kind, held_on, fest):
            done[(rep_id, *key)] += 1
    changed = []
    for slot in Slot.objects.iterator(5000):
        count = done.get((slot.representative_id, slot.kind, slot.period), 0)
        if slot.done != count:
            slot.done = count
            changed.append(slot)
    # Written again with their own ids rather than updated: an UPDATE … CASE per thousand rows
    # is many times slower than deleting and inserting them (the demo's 8,000 slots).
    for start in range(0, len(changed), 1000):
        Slot.objects.filter(pk__in=[slot.pk for slot in changed[start : start + 1000]]).delete()
    Slot.objects.bulk_create(changed, batch_size=1000)
    Tally.objects.all().delete()
    Tally.objects.bulk_create(
        [
            Tally(area_code=area, officer_id=officer, kind=kind, period=period, due=due, done=n)
            for (area, officer, kind, period), (due, n) in recount_tallies().items()
        ],
        batch_size=1000,
    )


def rebuild() -> None:
    """Write every slot and tally again from the appointments and contacts (after a raw load
    or a repair); the officers and areas of the slots become those of the appointments now."""
    Tally.objects.all().delete()
    Slot.objects.all().delete()
    for rep in Representative.objects.iterator(500):
        sync_slots(rep, today=date.min)
    refresh_counts()
