"""The flows moved into a module each (``workflows/flows/<flow>.py``), and every process of a case now
keeps its application as its seed. Rewrite the stored references and fill the seeds of existing rows."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Replace

MOVED = {
    "workflows/flows.AidApplicationFlow": "workflows/flows.aid_application.AidApplicationFlow",
    "workflows/flows.ObjectionFlow": "workflows/flows.objection.ObjectionFlow",
}


def forwards(apps, schema_editor):
    _rename(apps, MOVED)
    Process = apps.get_model("viewflow", "Process")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Objection = apps.get_model("aid_cases", "Objection")
    try:
        application_type = ContentType.objects.get(app_label="aid_cases", model="application")
    except ContentType.DoesNotExist:  # a fresh database: no process exists yet
        return
    # an application's review: the artifact is the application itself
    Process.objects.filter(flow_class=MOVED["workflows/flows.AidApplicationFlow"]).update(
        seed_content_type=application_type, seed_object_id=F("artifact_object_id"))
    # an objection: the application it is about
    Process.objects.filter(flow_class=MOVED["workflows/flows.ObjectionFlow"]).update(
        seed_content_type=application_type,
        seed_object_id=Subquery(Objection.objects.filter(pk=OuterRef("artifact_object_id")).values("application_id")))


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in MOVED.items()})


def _rename(apps, moves):
    Process = apps.get_model("viewflow", "Process")
    Task = apps.get_model("viewflow", "Task")
    # In the database, not through the models: a stored reference to a moved class no longer imports.
    for old, new in moves.items():
        Process.objects.filter(flow_class=old).update(flow_class=new)
        Task.objects.filter(flow_task__startswith=old + ".").update(
            flow_task=Replace("flow_task", Value(old + "."), Value(new + ".")))


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_caseprocess"),
        ("aid_cases", "0003_alter_applicant_phone"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("viewflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
