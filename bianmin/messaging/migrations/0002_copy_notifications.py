"""The texts written before the outbox (cases.Notification) become sent messages, so one table holds all."""

from django.db import migrations


def copy(apps, schema_editor):
    Notification = apps.get_model("cases", "Notification")
    Message = apps.get_model("messaging", "Message")
    Message.objects.bulk_create(
        (
            Message(
                phone=n.phone, template=n.kind, text=n.text, params={}, case_id=n.case_id,
                state="sent", attempts=1, key=f"notification:{n.pk}", created_at=n.created_at,
                sent_at=n.sent_at or n.created_at,
            )
            for n in Notification.objects.order_by("id").iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial"), ("cases", "0006_custody_from_proxy")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
