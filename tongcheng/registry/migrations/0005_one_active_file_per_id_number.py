"""One file per ID number, held by the database (a unique index on the number's keyed hash).

Every file with a number counts, whatever its status: a person who moved away or went home
keeps the one file and is reactivated on it, and a merged file is deleted. Files without a
number (empty hash) are left out.

A ledger that already holds two files with one number cannot take the constraint. The
migration then stops before changing anything and says how many numbers are affected; the
files are merged first (docs/deploy.md, "Before registry migration 0005").
"""

from django.db import migrations, models
from django.db.models import Count, Q


class DuplicateIdNumbers(RuntimeError):
    """Files share an ID number: merge them before migrating."""


def refuse_duplicates(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    shared = (
        Person.objects.exclude(id_number_hash="")
        .values("id_number_hash")
        .annotate(files=Count("id"))
        .filter(files__gt=1)
    )
    numbers = shared.count()
    if numbers:
        raise DuplicateIdNumbers(
            f"{numbers} ID number(s) are on more than one person file, so registry migration "
            "0005 cannot make an ID number unique. Nothing was changed. Merge those files "
            "first: docs/deploy.md, section 'Before registry migration 0005', lists them and "
            "says how."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_name_key_primary_key"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=~Q(id_number_hash=""),
                fields=("id_number_hash",),
                name="person_one_file_per_id_number",
            ),
        ),
    ]
