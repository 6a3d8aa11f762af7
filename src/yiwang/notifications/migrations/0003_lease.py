"""The lease columns (``yiwang.core.leases``) on notification deliveries.

A delivery being sent when this runs (``sending``, claimed at ``claimed_at``)
keeps its claim: its lease runs until ``claimed_at`` + 10 minutes (the
``SENDING_TIMEOUT`` of the code that claimed it), under a holder token no
worker of this release has, so a rerun stays ``busy`` until then and takes it
over after; the old worker's ``sent`` (written on ``claimed_at``) still lands.
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import DateTimeField, ExpressionWrapper, F

MIGRATED_HOLDER = "claimed-before-leases"


def carry_claims_over(apps, schema_editor):
    NotificationDelivery = apps.get_model("notifications", "NotificationDelivery")
    NotificationDelivery.objects.filter(status="sending", claimed_at__isnull=False).update(
        lease_holder=MIGRATED_HOLDER,
        lease_until=ExpressionWrapper(
            F("claimed_at") + timedelta(minutes=10), output_field=DateTimeField()
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_notification_to_a_phone'),
    ]

    operations = [
        migrations.AddField(
            model_name='notificationdelivery',
            name='lease_holder',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='lease holder'),
        ),
        migrations.AddField(
            model_name='notificationdelivery',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lease until'),
        ),
        migrations.RunPython(carry_claims_over, migrations.RunPython.noop, elidable=True),
    ]
