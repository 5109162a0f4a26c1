"""Each name key carries its file's community code; a (key, area_code, person) index; and an
(area_code, name_initials) index on persons.

A community's name and initials searches then walk one index in order and stop after a page.
The column is added with ALTER TABLE ADD COLUMN: on SQLite Django's schema editor would
rebuild the table for a NOT NULL column and lose WITHOUT ROWID (see migration 0004). Existing
keys are filled from their files.
"""

from django.db import migrations, models


AREA_CODE = models.CharField(db_default="", max_length=12)


def add_column(apps, schema_editor):
    # The column as Django's db_default declares it, on either engine.
    NameKey = apps.get_model("registry", "NameKey")
    table = schema_editor.quote_name(NameKey._meta.db_table)
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN \"area_code\" varchar(12) DEFAULT '' NOT NULL"
    )


def drop_column(apps, schema_editor):
    NameKey = apps.get_model("registry", "NameKey")
    table = schema_editor.quote_name(NameKey._meta.db_table)
    schema_editor.execute(f'ALTER TABLE {table} DROP COLUMN "area_code"')


def fill(apps, schema_editor):
    NameKey = apps.get_model("registry", "NameKey")
    Person = apps.get_model("registry", "Person")
    keys = schema_editor.quote_name(NameKey._meta.db_table)
    persons = schema_editor.quote_name(Person._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        # A key whose file is gone (the foreign key is not a database constraint) finds no
        # area code: it can only be stale, so it goes.
        cursor.execute(
            f"DELETE FROM {keys} WHERE NOT EXISTS "  # noqa: S608 (table names from the models)
            f"(SELECT 1 FROM {persons} p WHERE p.id = {keys}.person_id)"
        )
        cursor.execute(
            f"UPDATE {keys} SET area_code = "  # noqa: S608 (table names from the models)
            f"(SELECT p.area_code FROM {persons} p WHERE p.id = {keys}.person_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_import_job_fingerprint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="namekey", name="area_code", field=AREA_CODE),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="namekey",
            index=models.Index(fields=["key", "area_code", "person"], name="namekey_key_area_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["area_code", "name_initials"], name="person_area_initials_idx"
            ),
        ),
    ]
