"""Ship the work-order message templates to databases migrated before they were added to SHIPPED."""

from django.db import migrations

CODES = ("inquiry_registered", "inquiry_dispatched", "inquiry_answered", "inquiry_callback", "inquiry_assigned")


def ship(apps, schema_editor):
    from bianmin.messaging.templates import SHIPPED

    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for code in CODES:
        name, audience, urgent, _, text = SHIPPED[code]
        MessageTemplate.objects.get_or_create(
            code=code,
            county=None,
            defaults=dict(name=name, audience=audience, urgent=urgent, text=text,
                          channel="in_app" if audience == "staff" else "sms"),
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial"), ("messaging", "0004_templates_and_notices")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
