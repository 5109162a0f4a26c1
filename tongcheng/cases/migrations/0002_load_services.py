"""Load the service catalogue (tongcheng/cases/refdata.py)."""

from typing import Any

from django.db import migrations

from tongcheng.cases.refdata import load_services


def load(apps: Any, schema_editor: Any) -> None:
    load_services(apps.get_model("cases", "Service"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_add_cases")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
