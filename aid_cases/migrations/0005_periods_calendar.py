"""Calendar-day periods and the confirm_review period (issue 8, helper p).

The law's periods (Arts 36, 43, 49: 三日, 七日, 五日) are calendar days, so the default counting
becomes calendar days. Rule rows that still carry the old default (working days) without a recorded
basis (a demo row, or a row with no source note) are moved to calendar days; a row whose note records
a source keeps its working days, as a place's own rules may lawfully say so. The reverse leaves the
rows alone: which rows had been on the old default is not known afterwards.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models import Q


def rows_to_calendar(apps, schema_editor):
    PeriodRule = apps.get_model("aid_cases", "PeriodRule")
    PeriodRule.objects.filter(counting_mode="working").filter(Q(is_demo=True) | Q(note="")).update(
        counting_mode="calendar"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aid_cases", "0004_objection_per_decision"),
    ]

    operations = [
        migrations.AlterField(
            model_name="periodrule",
            name="counting_mode",
            field=models.CharField(
                choices=[("working", "Working days"), ("calendar", "Calendar days")],
                default="calendar",
                help_text=(
                    "The law's periods (日) are calendar days: the day of receipt is not counted, and a period "
                    "whose last day is a rest day ends on the next working day. Choose working days only where "
                    "the local rules say so."
                ),
                max_length=16,
                verbose_name="counting",
            ),
        ),
        migrations.AddField(
            model_name="periodrule",
            name="confirm_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="Counted from the day provisional aid was decided.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(90),
                ],
                verbose_name="confirm the review after provisional aid (days)",
            ),
        ),
        migrations.RunPython(rows_to_calendar, migrations.RunPython.noop),
    ]
