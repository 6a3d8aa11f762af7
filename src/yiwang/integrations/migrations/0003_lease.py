"""The lease columns (``yiwang.core.leases``) on webhook deliveries.

No data to carry over: the code before this wrote a claim's lease into
``next_attempt_at``, and a delivery claimed when this runs keeps it there. The
new code does not attempt a delivery before its ``next_attempt_at``, and the
requeue sweep counts from it as before, so an in-flight attempt is left to its
worker exactly as long as it was promised; afterwards ``next_attempt_at`` is
only ever the due time and the lease lives in ``lease_until``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0002_delivery_cancelled'),
    ]

    operations = [
        migrations.AddField(
            model_name='webhookdelivery',
            name='lease_holder',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='lease holder'),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lease until'),
        ),
    ]
