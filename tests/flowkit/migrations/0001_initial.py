from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [("workflows", "0002_caseprocess")]

    operations = [
        migrations.CreateModel(
            name="PeerCheckProcess",
            fields=[],
            options={"proxy": True, "indexes": [], "constraints": []},
            bases=("workflows.caseprocess",),
        ),
    ]
