# Custody (who holds a case and its papers) belongs to every case, so its model moves to the cases app.
# Only Django's model state moves: the table proxy_custody and its rows stay exactly where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("proxy", "0001_initial"),
        # Filling the case's read columns reads custody through the proxy app's model state.
        ("cases", "0003_fill_read_columns"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Custody")],
            database_operations=[],
        ),
    ]
