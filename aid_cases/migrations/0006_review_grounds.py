"""Provisional-aid grounds, objections on a citizen's behalf (issue 8, helper q)."""

from django.db import migrations, models


def provisional_decisions_were_on_the_deadline_ground(apps, schema_editor):
    """Before issue 8 a deadline was the only ground provisional aid could be given on."""
    Decision = apps.get_model("aid_cases", "Decision")
    Decision.objects.filter(kind="provisional", provisional_ground="").update(provisional_ground="deadline")


class Migration(migrations.Migration):
    dependencies = [
        ("aid_cases", "0005_periods_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="provisional_ground",
            field=models.CharField(
                blank=True,
                choices=[
                    ("deadline", "A limitation period or deadline is close (Art 44 (1))"),
                    (
                        "preservation",
                        "Property or evidence preservation, or advance execution, must be applied for at "
                        "once (Art 44 (2))",
                    ),
                    ("other_law", "Other grounds set by laws, regulations or rules (Art 44 (3))"),
                ],
                max_length=16,
                verbose_name="ground of provisional aid",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="on_behalf",
            field=models.BooleanField(default=False, verbose_name="recorded on the citizen's behalf"),
        ),
        migrations.RunPython(provisional_decisions_were_on_the_deadline_ground, migrations.RunPython.noop),
    ]
