# The Custody model, created in the proxy app, now lives here; its table (proxy_custody) is untouched.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_event_chain"),
        ("proxy", "0002_custody_moves_to_cases"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Custody",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("location", models.CharField(choices=[("village", "在村"), ("in_transit", "在途"), ("township", "在镇中心"), ("county", "在县级部门")], max_length=12)),
                        ("holder_label", models.CharField(max_length=120, verbose_name="持有人")),
                        ("updated_at", models.DateTimeField()),
                        ("case", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="custody", to="cases.case")),
                        ("holder_center", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="regions.center")),
                        ("holder_user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "办件去向",
                        "verbose_name_plural": "办件去向",
                        "db_table": "proxy_custody",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
