"""NameKey keyed by (key, person), WITHOUT ROWID on SQLite; the person CHECK without REGEXP.

Django cannot turn an id primary key into a composite one in place, so the table is dropped
and created again, then filled from the persons' names (name keys are derived data).
On SQLite the new table is made WITHOUT ROWID: the rows live in the primary key's B-tree.
A later migration that rebuilds this table on SQLite must keep that (see
registry/tests/test_models.py, which checks it).
"""

import django.db.models.deletion
from django.db import migrations, models

NAME_KEY_LENGTH = 3


def _keys(name):
    keys = set()
    for part in name.replace("·", " ").split():
        for size in range(1, NAME_KEY_LENGTH + 1):
            for start in range(len(part) - size + 1):
                keys.add(part[start : start + size])
    return keys


def without_rowid(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    table = apps.get_model("registry", "NameKey")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        found = cursor.fetchall()
        create = next(sql for kind, sql in found if kind == "table")
        indexes = [sql for kind, sql in found if kind == "index"]
        cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute(create + " WITHOUT ROWID")
        for sql in indexes:
            cursor.execute(sql)


def fill(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    NameKey = apps.get_model("registry", "NameKey")
    batch = []
    for pk, name in Person.objects.values_list("pk", "name").iterator(chunk_size=2000):
        batch.extend(NameKey(key=key, person_id=pk) for key in sorted(_keys(name)))
        if len(batch) >= 5000:
            NameKey.objects.bulk_create(batch)
            batch = []
    if batch:
        NameKey.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_area_code_digits"),
        ("registry", "0003_ledger_summary"),
    ]

    operations = [
        migrations.DeleteModel(name="NameKey"),
        migrations.CreateModel(
            name="NameKey",
            fields=[
                ("pk", models.CompositePrimaryKey("key", "person", blank=True, editable=False, primary_key=True, serialize=False)),
                ("key", models.CharField(max_length=3)),
                (
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.person",
                    ),
                ),
            ],
        ),
        migrations.RunPython(without_rowid, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="person", name="person_area_code_12"),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_code__digits", 12)), name="person_area_code_12"
            ),
        ),
    ]
