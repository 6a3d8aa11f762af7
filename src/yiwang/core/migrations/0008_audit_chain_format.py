"""The audit chain's format per entry: the entries sealed so far are format 1 (the link
covers the previous hash, seq and content hash); the sequencer seals format 2 from now on
(also id and sealed_at). Their hashes are not touched: format 1 stays verifiable."""

from django.db import migrations, models


def mark_sealed_as_format_1(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(seq__isnull=False).update(chain_format=1)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_drop_old_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain_format",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="chain format"
            ),
        ),
        migrations.RunPython(mark_sealed_as_format_1, migrations.RunPython.noop),
    ]
