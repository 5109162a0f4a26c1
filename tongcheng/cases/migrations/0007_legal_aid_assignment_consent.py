"""Each legal-aid assignment names the sharing consent it was made under.

An active assignment made before this names the person's open consent, if any: the access it
gave then is the access it keeps."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def name_the_open_consents(apps: Any, schema_editor: Any) -> None:
    assignment_model = apps.get_model("cases", "LegalAidAssignment")
    consent_model = apps.get_model("registry", "Consent")
    for assignment in assignment_model.objects.filter(ended_at__isnull=True).select_related("case"):
        consent = consent_model.objects.filter(
            person_id=assignment.case.person_id,
            kind="legal_aid_sharing",
            withdrawn_on__isnull=True,
        ).first()
        if consent is not None:
            assignment.consent = consent
            assignment.save(update_fields=["consent"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_add_case_text_consent"),
        ("registry", "0008_last4_indexes_hold_the_area"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalaidassignment",
            name="consent",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.consent",
            ),
        ),
        migrations.RunPython(name_the_open_consents, migrations.RunPython.noop),
    ]
