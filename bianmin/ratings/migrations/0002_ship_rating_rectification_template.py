from django.db import migrations


def ship(apps, schema_editor):
    """The default text of the staff reminder for a 差评 to act on (messaging.templates.SHIPPED)."""
    from bianmin.messaging.templates import SHIPPED

    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    name, audience, urgent, _, text = SHIPPED["rating_rectification"]
    MessageTemplate.objects.get_or_create(
        code="rating_rectification",
        county=None,
        defaults=dict(name=name, audience=audience, urgent=urgent, text=text, channel="in_app"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
        ("messaging", "0004_templates_and_notices"),
    ]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
