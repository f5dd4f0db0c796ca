"""The data version and the heartbeats now belong to the `kernel` app (its migration 0001).

Only Django's record of the models goes; the tables stay, and the kernel renames them.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("spends_tracker", "0003_data_version_summarised"),
        ("kernel", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DataVersion"),
                migrations.DeleteModel(name="Heartbeat"),
            ],
            database_operations=[],
        ),
    ]
