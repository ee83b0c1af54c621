"""The timeline's hash chain: two columns on Event, the daily county anchor, and existing events chained."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

from bianmin.cases.chain import GENESIS, event_digest


def chain_existing_events(apps, schema_editor):
    """Chain every event, case by case in id order, in pages (keyset on case_id, id) so memory stays flat."""
    Event = apps.get_model("cases", "Event")
    after, prev = (0, 0), GENESIS
    while True:
        page = list(
            Event.objects.filter(Q(case_id__gt=after[0]) | Q(case_id=after[0], id__gt=after[1]))
            .order_by("case_id", "id")[:2000]
        )
        if not page:
            return
        for event in page:
            if event.case_id != after[0]:
                prev = GENESIS
            event.prev_hash = prev
            event.hash = prev = event_digest(
                case=event.case_id, at=event.at, actor=event.actor_id, actor_name=event.actor_name,
                role=event.role, action=event.action, from_state=event.from_state, to_state=event.to_state,
                note=event.note, data=event.data, prev_hash=prev,
            )
            after = (event.case_id, event.id)
        Event.objects.bulk_update(page, ["prev_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_queue_order_indexes'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('last_event_id', models.BigIntegerField(default=0)),
                ('heads_count', models.PositiveIntegerField(default=0)),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': '时间线日锚',
                'verbose_name_plural': '时间线日锚',
                'ordering': ['county', 'day'],
            },
        ),
        migrations.AddField(
            model_name='event',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='event',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['case', 'id'], name='event_case_chain'),
        ),
        migrations.AddField(
            model_name='auditanchor',
            name='county',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region'),
        ),
        migrations.AddConstraint(
            model_name='auditanchor',
            constraint=models.UniqueConstraint(fields=('county', 'day'), name='audit_anchor_per_county_day'),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
    ]
