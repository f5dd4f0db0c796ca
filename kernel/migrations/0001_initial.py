"""The data version and the heartbeats, moved here from the project package.

The tables were created by the `spends_tracker` app's migrations 0001 to 0003; this migration
only tells Django that the kernel now owns them, and 0002 renames them to the kernel's names.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("spends_tracker", "0003_data_version_summarised"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("token", models.CharField(max_length=32)),
                        (
                            "summarised",
                            models.CharField(
                                blank=True,
                                help_text="The token the summaries were last brought up to "
                                "(kernel.summaries).",
                                max_length=32,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "data version",
                        "db_table": "spends_tracker_dataversion",
                    },
                ),
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        (
                            "process",
                            models.CharField(max_length=20, primary_key=True, serialize=False),
                        ),
                        ("beat_at", models.DateTimeField()),
                    ],
                    options={"db_table": "spends_tracker_heartbeat"},
                ),
            ],
            database_operations=[],
        ),
    ]
