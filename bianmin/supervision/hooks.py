"""What supervision hangs on the case actions: a joint step's due date follows the case's clock."""

from bianmin.cases.clock import current_calendar
from bianmin.cases.hooks import IN_TRANSACTION, Acted, subscribe
from bianmin.cases.models import Task, TaskState

EVENT_LABELS = {
    "supervision_order": "督办单下发",
    "supervision_answer": "督办回告",
    "supervision_closed": "督办办结",
    "supervision_returned": "督办退回再办",
    "supervision_red": "红牌督办",
}


@subscribe(IN_TRANSACTION, ["resume", "extend"])
def steps_follow_the_clock(acted: Acted) -> None:
    """A suspension or an extension moves each pending step's due date by the same working days as the case."""
    days = (acted.data or {}).get("days") if acted.action == "extend" else None
    if acted.action == "resume":
        days = ((acted.event.data if acted.event else {}) or {}).get("paused_days")
    if not days:
        return
    calendar = current_calendar(acted.case.center.region)
    for task in Task.objects.filter(case=acted.case, state=TaskState.PENDING, due__isnull=False):
        task.due = calendar.add_workdays(task.due, int(days)).date
        task.save(update_fields=["due"])
