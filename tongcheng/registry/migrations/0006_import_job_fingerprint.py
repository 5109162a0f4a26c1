"""Import jobs: one pending job per file and community, uploads kept encrypted and erased.

Uploads stored before this migration are in clear. They are not encrypted here: every job
still pending ends as expired and every upload left on a job is erased (the uploader uploads
the file again), so that no clear upload survives and the constraint finds no duplicates.
"""

import django.utils.timezone
from django.db import migrations, models

PENDING = ["validating", "ready", "importing"]


def end_clear_uploads(apps, schema_editor):
    ImportJob = apps.get_model("registry", "ImportJob")
    now = django.utils.timezone.now()
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        # The updates' deferred foreign-key checks run now: PostgreSQL refuses to build the
        # constraint's index below while they wait for the end of the transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ImportJob.objects.filter(state__in=PENDING).update(state="expired", finished_at=now)
    ImportJob.objects.filter(content__isnull=False).update(content=None, content_erased_at=now)
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_one_active_file_per_id_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="content_erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importjob",
            name="touched_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="state",
            field=models.CharField(
                choices=[
                    ("validating", "Checking"),
                    ("invalid", "Has errors"),
                    ("ready", "Ready to import"),
                    ("importing", "Importing"),
                    ("done", "Imported"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired"),
                ],
                max_length=12,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(end_clear_uploads, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="importjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", PENDING)),
                fields=("community", "file_sha256"),
                name="importjob_one_pending_per_file",
            ),
        ),
    ]
