"""Criminal defence reason, exemption proof, catch-all rule rows (issue 8, helper r).

Art 32 (matters not means-tested) and Art 42 (groups exempt, with the proof each needs) become
effective-dated rule rows; today's statutory lists are seeded so that no result changes. The
choices are read from the code, so a relabelled choice needs no migration of its own here.
"""

import datetime

from django.db import migrations, models

from aid_cases import means
from directory.choices import MatterType

LAW_IN_FORCE = datetime.date(2022, 1, 1)  # 《中华人民共和国法律援助法》施行之日


def seed(apps, schema_editor):
    MeansMatterRule = apps.get_model("aid_cases", "MeansMatterRule")
    MeansExemptionRule = apps.get_model("aid_cases", "MeansExemptionRule")
    for matter_type in means.NOT_RESTRICTED_MATTERS:
        MeansMatterRule.objects.get_or_create(
            matter_type=str(matter_type),
            valid_from=LAW_IN_FORCE,
            defaults={"note": "法律援助法第三十二条"},
        )
    for exemption in means.DEFAULT_EXEMPTIONS:
        MeansExemptionRule.objects.get_or_create(
            category=str(exemption.category),
            valid_from=LAW_IN_FORCE,
            defaults={
                "condition": str(exemption.condition),
                "proof": exemption.proof,
                "note": "法律援助法第四十二条",
            },
        )


def rule_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("valid_from", models.DateField(verbose_name="valid from")),
        ("valid_to", models.DateField(blank=True, null=True, verbose_name="valid to")),
        (
            "is_demo",
            models.BooleanField(
                default=False,
                help_text="Fictional value loaded by the demo data; replace it with the official figure.",
                verbose_name="demo value",
            ),
        ),
        ("note", models.CharField(blank=True, max_length=200, verbose_name="source or note")),
    ]


def dates_ordered(name):
    return models.CheckConstraint(
        condition=models.Q(
            ("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")), _connector="OR"
        ),
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aid_cases", "0006_review_grounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="defence_reason",
            field=models.CharField(
                blank=True,
                choices=means.DefenceReason.choices,
                max_length=20,
                verbose_name="reason for seeking a defender",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="means_proof",
            field=models.CharField(
                choices=means.Proof.choices,
                default="not_needed",
                max_length=12,
                verbose_name="proof of exemption",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="means_proof_required",
            field=models.JSONField(blank=True, default=list, verbose_name="proof the exemption needs"),
        ),
        migrations.CreateModel(
            name="MeansExemptionRule",
            fields=[
                *rule_fields(),
                (
                    "category",
                    models.CharField(
                        choices=means.ApplicantCategory.choices, max_length=32, verbose_name="special group"
                    ),
                ),
                (
                    "condition",
                    models.CharField(
                        choices=means.ExemptionCondition.choices,
                        default="always",
                        max_length=24,
                        verbose_name="applies",
                    ),
                ),
                (
                    "proof",
                    models.CharField(
                        help_text="The materials that prove the applicant belongs to the group (Art 42: 有材料证明).",
                        max_length=200,
                        verbose_name="proof required",
                    ),
                ),
            ],
            options={
                "verbose_name": "exemption from the means test",
                "verbose_name_plural": "exemptions from the means test (Art 42)",
                "ordering": ["category", "-valid_from"],
                "abstract": False,
                "constraints": [dates_ordered("aid_cases_meansexemptionrule_dates_ordered")],
            },
        ),
        migrations.CreateModel(
            name="MeansMatterRule",
            fields=[
                *rule_fields(),
                (
                    "matter_type",
                    models.CharField(choices=MatterType.choices, max_length=32, verbose_name="matter type"),
                ),
            ],
            options={
                "verbose_name": "matter not means-tested",
                "verbose_name_plural": "matters not means-tested (Art 32)",
                "ordering": ["matter_type", "-valid_from"],
                "abstract": False,
                "constraints": [dates_ordered("aid_cases_meansmatterrule_dates_ordered")],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
