"""Two object permissions for quality supervision (docs/domain.md, quality and complaints): directors and
bureau officers accept and decide complaints (``handle_complaints``, Order No. 149), and courts' and
procuratorates' officers give their view on a case (``answer_feedback``, Art 59), each on their own
organisation through its (organisation, role) group, as reviewers hold ``review_applications``.

Memberships granted before this migration get the grant here; new ones get it from
``directory.services.membership_grant``.
"""

from django.db import migrations

GRANTS = {
    "handle_complaints": ("Can accept and decide complaints (Order No. 149)", ("director", "bureau_officer")),
    "answer_feedback": ("Can give the agency's view on a legal aid case", ("agency_officer",)),
}


def forwards(apps, schema_editor):
    Membership = apps.get_model("directory", "Membership")
    if not Membership.objects.filter(active=True).exists():
        return  # a fresh database: nothing granted yet (the permission rows are made after migrating)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupObjectPermission = apps.get_model("guardian", "GroupObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="directory", model="organisation")
    for codename, (name, roles) in GRANTS.items():
        permission, _ = Permission.objects.get_or_create(
            codename=codename, content_type=content_type, defaults={"name": name}
        )
        memberships = Membership.objects.filter(role__in=roles, active=True).select_related(
            "organisation", "user"
        )
        for membership in memberships:
            organisation = membership.organisation
            group, _ = Group.objects.get_or_create(name=f"org:{organisation.pk}:{membership.role}")
            GroupObjectPermission.objects.get_or_create(
                group=group, permission=permission, content_type=content_type, object_pk=str(organisation.pk)
            )
            membership.user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_answer_fee_waivers"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["region__sort_order", "kind", "name"],
                "permissions": [
                    ("view_organisation_internal", "Can see the organisation's members and internal record"),
                    ("review_applications", "Can review the aid center's applications"),
                    ("decide_objections", "Can decide objections against the region's aid decisions"),
                    ("answer_fee_waivers", "Can answer the fee waivers addressed to the institution"),
                    ("handle_complaints", "Can accept and decide complaints (Order No. 149)"),
                    ("answer_feedback", "Can give the agency's view on a legal aid case"),
                ],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
