# What is left of the old chain (appends serialised on the head row): its
# previous-hash column and the head's entry id. The index lets the sequencer find
# the unsealed entries at once, whatever the size of the log.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_audit_rechain'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='auditchainhead',
            name='entry_id',
        ),
        migrations.RemoveField(
            model_name='auditentry',
            name='prev_hash',
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='core_audit_unsealed'),
        ),
    ]
