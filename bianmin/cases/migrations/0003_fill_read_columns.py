"""Fill the read columns for cases received before the actions kept them (one pass, in batches)."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("cases", "Event")
    Custody = apps.get_model("proxy", "Custody")
    last_id = 0
    while True:
        rows = list(
            Case.objects.filter(pk__gt=last_id).select_related("center", "item").order_by("pk")[:BATCH]
        )
        if not rows:
            break
        last_id = rows[-1].pk
        ids = [c.pk for c in rows]
        custody = dict(Custody.objects.filter(case_id__in=ids).values_list("case_id", "location"))
        steps = {}
        for case_id, action in (
            Event.objects.filter(case_id__in=ids, action__in=("request_extension", "decline_extension"))
            .order_by("at", "id")
            .values_list("case_id", "action")
        ):
            steps[case_id] = action
        for case in rows:
            case.county = case.center.region_id[:6] + "000000"
            case.lead_department_id = case.item.lead_department_id
            case.pending_extension = not case.extension_days and steps.get(case.pk) == "request_extension"
            if case.completed_at is not None:
                local = case.completed_at.astimezone(_shanghai()).date()
                case.completed_on_time = case.deadline is not None and local <= case.deadline
            location = custody.get(case.pk)
            if location is None:
                location = "village" if case.channel == "proxy" and case.village_id else "township"
            county_stage = case.state == "escalated" or (
                case.state == "suspended" and case.resume_to == "escalated"
            )
            if location == "township" and county_stage and case.escalated_to_id:
                location = "county"
            case.holder_kind = location
        Case.objects.bulk_update(
            rows, ["county", "lead_department", "pending_extension", "completed_on_time", "holder_kind"]
        )


def _shanghai():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_read_columns"), ("proxy", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
