"""What the hall adds to a case when it is received: the ticket being served at the clerk's window (waiting
and service time on the timeline) and the outreach the clerk is serving at today (赶集受理).

Nothing in `cases` calls this: it subscribes to the receive action's in-transaction hook."""

from django.db.models import DateTimeField, Value
from django.utils import timezone

from bianmin.cases import hooks
from bianmin.cases.actions.base import record_event
from bianmin.core import clock
from bianmin.hall.models import OutreachCase, OutreachDuty, Ticket, TicketStatus

EVENT_LABELS = {"hall_ticket": "叫号受理", "outreach_intake": "赶集受理"}


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(max(0, seconds), 60)
    return f"{minutes}分{rest}秒" if minutes else f"{rest}秒"


@hooks.subscribe(hooks.IN_TRANSACTION, ["receive"])
def link_ticket_and_outreach(acted: hooks.Acted) -> None:
    actor, case = acted.actor, acted.case
    if actor is None or not getattr(actor, "pk", None):
        return
    now = clock.now()
    today = timezone.localdate(now)
    # One read for the common case (no ticket called, no outreach today): both candidates in one UNION.
    ticket_ids = (
        Ticket.objects.filter(called_by=actor, status=TicketStatus.CALLED, case__isnull=True, day=today)
        .order_by()
        .values_list(Value("ticket"), "pk", "called_at")
    )
    duty_ids = (
        OutreachDuty.objects.filter(user=actor, day=today)
        .order_by()
        .values_list(Value("duty"), "pk", Value(None, output_field=DateTimeField()))
    )
    found = list(ticket_ids.union(duty_ids, all=True).order_by())
    tickets = sorted((row for row in found if row[0] == "ticket"), key=lambda row: row[2], reverse=True)
    duties = [row[1] for row in found if row[0] == "duty"]
    ticket = None
    if tickets and Ticket.objects.filter(pk=tickets[0][1], case__isnull=True).update(case=case):
        ticket = Ticket.objects.get(pk=tickets[0][1])
    if ticket is not None:
        waiting = int((ticket.called_at - ticket.taken_at).total_seconds())
        service = int((case.received_at - ticket.called_at).total_seconds())
        record_event(
            case, actor, acted.role, "hall_ticket", "", case.state,
            note=f"排队号{ticket.number}：等候{_minutes(waiting)}，叫号至收件{_minutes(service)}",
            data={"ticket": ticket.number, "waiting_seconds": waiting, "service_seconds": service},
        )  # fmt: skip
    duty = OutreachDuty.objects.select_related("outreach").filter(pk=duties[0]).first() if duties else None
    if duty is not None:
        OutreachCase.objects.create(case=case, outreach=duty.outreach, day=today)
        record_event(
            case, actor, acted.role, "outreach_intake", "", case.state,
            note=f"赶集服务：{duty.outreach.place}", data={"outreach": duty.outreach_id},
        )  # fmt: skip
