"""Institutions answer the fee waivers addressed to them (docs/domain.md, fee waivers): the staff of notary
offices and forensic institutions, and courts' officers, hold ``answer_fee_waivers`` on their own
organisation through its (organisation, role) group, as reviewers hold ``review_applications``.

Memberships granted before this migration get the group and the grant here; new ones get them from
``directory.services.membership_grant``.
"""

from django.db import migrations

ROLES = ("institution_staff", "agency_officer")
KINDS = ("notary", "forensic", "court")
CODENAME = "answer_fee_waivers"


def forwards(apps, schema_editor):
    Membership = apps.get_model("directory", "Membership")
    memberships = Membership.objects.filter(role__in=ROLES, active=True).select_related(
        "organisation", "user"
    )
    if not memberships.exists():
        return  # a fresh database: nothing granted yet (the permission row is made after migrating)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupObjectPermission = apps.get_model("guardian", "GroupObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="directory", model="organisation")
    permission, _ = Permission.objects.get_or_create(
        codename=CODENAME,
        content_type=content_type,
        defaults={"name": "Can answer the fee waivers addressed to the institution"},
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
        ("directory", "0006_matter_label_art31"),
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
                ],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
