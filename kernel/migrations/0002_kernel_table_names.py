from django.db import migrations


class Migration(migrations.Migration):
    """Rename the tables taken over in 0001 to the kernel's own names."""

    dependencies = [
        ("kernel", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="dataversion", table=None),
        migrations.AlterModelTable(name="heartbeat", table=None),
    ]
