"""The hall's reads: what the screen shows, the clerk's panel, today's figures (bounded queries)."""

import datetime as dt

from django.db.models import Count, Q

from bianmin.devices.models import Seat
from bianmin.hall.models import Appointment, AppointmentStatus, Outreach, Ticket, TicketStatus
from bianmin.hall.services import categories, mask_name
from bianmin.regions.models import Center


def waiting_by_category(center: Center, day: dt.date) -> list[dict]:
    counts = dict(
        Ticket.objects.filter(center=center, day=day, status=TicketStatus.WAITING)
        .values_list("category_id")
        .annotate(n=Count("pk"))
    )
    return [{"category": c, "waiting": counts.get(c.pk, 0)} for c in categories(center)]


def figures(center: Center, day: dt.date) -> dict:
    rows = Ticket.objects.filter(center=center, day=day).aggregate(
        taken=Count("pk"),
        served=Count("pk", filter=Q(status__in=[TicketStatus.CALLED, TicketStatus.DONE])),
        waiting=Count("pk", filter=Q(status=TicketStatus.WAITING)),
        with_case=Count("pk", filter=Q(case__isnull=False)),
    )
    waits = list(
        Ticket.objects.filter(center=center, day=day, called_at__isnull=False).values_list(
            "taken_at", "called_at"
        )[:2000]
    )
    rows["average_wait_minutes"] = (
        round(sum((c - t).total_seconds() for t, c in waits) / len(waits) / 60) if waits else None
    )
    return rows


def calling(center: Center, day: dt.date, limit: int = 6) -> list[dict]:
    tickets = (
        Ticket.objects.filter(center=center, day=day, status=TicketStatus.CALLED)
        .select_related("window")
        .order_by("-announced_at")[:limit]
    )
    return [
        {
            "ticket": t,
            "name": mask_name(t.name),
            "text": f"请{t.number}号到{t.window.number}号窗口" if t.window_id else "",
        }
        for t in tickets
    ]


def on_duty(center: Center) -> list:
    """Who sits at the center's windows now (the lead will switch this to the duty roster)."""
    return list(
        Seat.objects.filter(window__center=center, until__isnull=True)
        .select_related("user", "window")
        .order_by("window__number")
    )


def screen_context(center: Center, day: dt.date) -> dict:
    return {
        "center": center,
        "calling": calling(center, day),
        "waiting": waiting_by_category(center, day),
        "figures": figures(center, day),
        "on_duty": on_duty(center),
    }


def appointments_on(center: Center, day: dt.date):
    return (
        Appointment.objects.filter(slot__center=center, slot__date=day)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("slot", "item", "ticket")
        .order_by("slot__start", "pk")
    )


def outreach_listing(centers, start: dt.date, days: int = 15) -> list[dict]:
    rows = (
        Outreach.objects.filter(active=True, center__in=centers)
        .select_related("center", "village")
        .prefetch_related("items", "staff")
        .order_by("center__code", "place")
    )
    return [{"outreach": o, "dates": o.dates(start, days)} for o in rows if o.digits()]
