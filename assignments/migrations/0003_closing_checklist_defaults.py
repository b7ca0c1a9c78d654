"""The default closing-file checklist (结案归档材料): what a closed aid case's file holds.

From the Ministry of Justice's 2023 《办理法律援助案件程序规定》 (Art 36: the provider hands in the
closing materials within 30 days of the case's end) and common provincial archiving rules. Rule rows:
a place edits them in the admin, effective-dated, without a code change.
"""

import datetime

from django.db import migrations

NOTE = "默认清单，可按本地法律援助案卷归档规定修改"
SINCE = datetime.date(2022, 1, 1)

# code, label, matter category, form of aid, stage, required, order
ITEMS = [
    ("assignment_letter", "指派通知书", "", "", "", True, 10),
    ("agreement", "法律援助委托协议及授权委托书（或通知辩护函）", "", "", "", True, 20),
    ("case_record", "会见笔录及办案记录", "", "", "", True, 30),
    ("pleading", "代理词或辩护词", "", "", "first_instance", True, 40),
    ("pleading", "代理词或辩护词", "", "", "second_instance", True, 40),
    ("judgment", "判决书、裁定书或调解书", "", "", "first_instance", True, 50),
    ("judgment", "判决书、裁定书或调解书", "", "", "second_instance", True, 50),
    ("judgment", "判决书、裁定书或调解书", "", "", "enforcement", True, 50),
    ("award", "仲裁裁决书或调解书", "", "", "arbitration", True, 50),
    ("settlement", "和解协议或调解协议", "", "", "negotiation", False, 50),
    ("other", "其他与案件有关的材料", "", "", "", False, 90),
]


def forwards(apps, schema_editor):
    Item = apps.get_model("assignments", "ClosingChecklistItem")
    for code, label, category, form, stage, required, order in ITEMS:
        Item.objects.get_or_create(
            code=code,
            matter_category=category,
            aid_form=form,
            stage=stage,
            valid_from=SINCE,
            defaults={"label": label, "required": required, "sort_order": order, "note": NOTE},
        )


def backwards(apps, schema_editor):
    Item = apps.get_model("assignments", "ClosingChecklistItem")
    Item.objects.filter(valid_from=SINCE, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("assignments", "0002_handling")]
    operations = [migrations.RunPython(forwards, backwards)]
