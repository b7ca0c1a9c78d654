"""Reference data every installation of Jingdezhen needs: its regions and the role groups.

Other cities add their own regions in the admin; the groups are the same everywhere.
"""

from django.db import migrations

REGIONS = [
    # code, name, level, parent, division code, order
    ("jdz", "景德镇市", "city", None, "360200", 0),
    ("zhushan", "珠山区", "county", "jdz", "360203", 1),
    ("changjiang", "昌江区", "county", "jdz", "360202", 2),
    ("fuliang", "浮梁县", "county", "jdz", "360222", 3),
    ("leping", "乐平市", "county", "jdz", "360281", 4),
]

ROLE_GROUPS = [
    "applicant", "clerk", "reviewer", "director", "provider", "firm_admin", "institution_staff",
    "agency_officer", "detention_officer", "bureau_officer",
]


def forwards(apps, schema_editor):
    Region = apps.get_model("directory", "Region")
    Group = apps.get_model("auth", "Group")
    for code, name, level, parent, division, order in REGIONS:
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "level": level, "division_code": division, "sort_order": order,
                "parent": Region.objects.get(code=parent) if parent else None,
            },
        )
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
