from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_copy_notifications")]

    operations = [
        migrations.AddField(model_name="message", name="urgent", field=models.BooleanField(default=False)),
        migrations.AddField(
            model_name="message", name="next_attempt_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(model_name="message", name="gateway_answer", field=models.TextField(blank=True)),
    ]
