"""An upload belongs to its case through its application (``application.case``): the
``case`` column, filled at submit by an UPDATE of every upload, is dropped (a submit now
writes nothing to its uploads). Going back fills it again from the applications."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_case_from_application(apps, schema_editor):
    CaseMaterial = apps.get_model("cases", "CaseMaterial")
    Case = apps.get_model("cases", "Case")
    of_application = Case.objects.filter(application_id=OuterRef("application_id"))
    CaseMaterial.objects.update(case_id=Subquery(of_application.values("id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_open_due_index_covers_lights"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, fill_case_from_application),
        migrations.RemoveField(model_name="casematerial", name="case"),
    ]
