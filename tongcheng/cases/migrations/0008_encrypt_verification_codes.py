"""A certificate's verification code is kept encrypted, as the identifiers are."""

from typing import Any

from django.db import migrations, models

from tongcheng.cases.certcodes import verify_code_column, verify_code_of


def encrypt(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("cases", "Certification")
    for certification in model.objects.only("pk", "verify_code"):
        model.objects.filter(pk=certification.pk).update(
            verify_code_enc=verify_code_column(certification.verify_code)
        )


def decrypt(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("cases", "Certification")
    for certification in model.objects.only("pk", "verify_code_enc"):
        model.objects.filter(pk=certification.pk).update(
            verify_code=verify_code_of(certification.verify_code_enc)
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_legal_aid_assignment_consent")]

    operations = [
        migrations.AddField(
            model_name="certification",
            name="verify_code_enc",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="certification", name="verify_code"),
    ]
