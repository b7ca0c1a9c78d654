"""The provisional-aid letter (先行提供法律援助决定书, Art 44) as a document kind (issue 8, helper q)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_content_and_deferred_render"),
    ]

    operations = [
        migrations.AlterField(
            model_name="issueddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Receipt of application"),
                    ("supplement_notice", "One-time supplement notice"),
                    ("approval", "Decision to grant legal aid"),
                    ("provisional_notice", "Decision to provide legal aid first"),
                    ("refusal", "Decision to refuse legal aid"),
                    ("objection_decision", "Decision on the objection"),
                    ("assignment_letter", "Assignment notice"),
                    ("termination", "Decision to terminate legal aid"),
                    ("waiver_letter", "Fee waiver letter"),
                ],
                db_index=True,
                max_length=32,
                verbose_name="kind",
            ),
        ),
    ]
