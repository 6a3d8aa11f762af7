"""The audit chain's format per entry: the entries sealed so far are format 1 (the link
covers the previous hash, seq and content hash); the sequencer seals format 2 from now on
(also id and sealed_at). Their hashes are not touched: format 1 stays verifiable."""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError


def mark_sealed_as_format_1(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(seq__isnull=False).update(chain_format=1)


def refuse_when_format_2_was_sealed(apps, schema_editor):
    """Going back is possible while no entry is sealed in format 2: the previous release
    verifies format 1 only, so format-2 entries would read as a broken chain there (and the
    checkpoints signed over them cannot be re-signed here)."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    sealed = AuditEntry.objects.filter(chain_format=2).count()
    if sealed:
        raise IrreversibleError(
            f"{sealed} audit entries are sealed in chain format 2, which the previous release "
            "cannot verify: restore the database backup taken before the upgrade instead "
            "(docs/deployment.md, upgrades)."
        )


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
        migrations.RunPython(mark_sealed_as_format_1, refuse_when_format_2_was_sealed),
    ]
