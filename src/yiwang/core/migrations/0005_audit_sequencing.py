# The audit log is appended without a lock and sequenced after commit
# (docs/decisions/0006-audit-log.md): the columns the sequencer fills in, the
# signed checkpoints, and the chain head repurposed as the sequencer's row.
# The existing entries are hashed and chained in 0006; 0007 drops what is left
# of the old chain.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_chain_head'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(unique=True, verbose_name='sequence number')),
                ('hash', models.CharField(max_length=64, verbose_name='chain hash')),
                ('issued_at', models.DateTimeField(verbose_name='issued')),
                ('key_id', models.CharField(max_length=16, verbose_name='key id')),
                ('signature', models.CharField(max_length=100, verbose_name='signature')),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['seq'],
            },
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='sealed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sealed'),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='seq',
            field=models.BigIntegerField(default=0, verbose_name='sequence number'),
        ),
        migrations.AlterField(
            model_name='auditchainhead',
            name='hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='chain hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='content_hash',
            field=models.CharField(default='', max_length=64, verbose_name='content hash'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='sealed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sealed'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='sequence number'),
        ),
        # actor_id is hashed content now: a user who acted is deactivated, never deleted.
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='chain hash'),
        ),
    ]
