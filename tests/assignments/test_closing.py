"""The closing-file checklist's rule rows (assignments.closing), read through the reference-data cache."""

import datetime

from directory.choices import AidForm, MatterCategory


def test_the_closing_checklist_rows_come_from_the_cache_and_an_edit_applies_at_once(
    db, django_assert_num_queries
):
    from assignments.closing import checklist_items
    from assignments.models import ClosingChecklistItem

    day = datetime.date(2026, 6, 1)
    facts = {
        "matter_category": MatterCategory.CIVIL,
        "aid_form": AidForm.REPRESENTATION,
        "stage": "first_instance",
    }
    codes = [i.code for i in checklist_items(**facts, day=day)]
    assert "judgment" in codes  # the default rows (migration)
    with django_assert_num_queries(0):
        assert [i.code for i in checklist_items(**facts, day=day)] == codes
    row = ClosingChecklistItem.objects.get(
        pk=next(i.pk for i in checklist_items(**facts, day=day) if i.code == "judgment")
    )
    row.valid_to = datetime.date(2026, 5, 31)
    row.save()
    assert "judgment" not in [i.code for i in checklist_items(**facts, day=day)]
