"""Checking the timeline's hash chain and sealing each county's day (anchors); used by two commands."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bianmin.cases.chain import GENESIS, anchor_digest
from bianmin.cases.models import AuditAnchor, Case, Event
from bianmin.core import clock
from bianmin.regions.models import Level, Region


@dataclass
class Break:
    case_number: str
    event_id: int | None
    reason: str

    def __str__(self):
        where = f"事件 {self.event_id}" if self.event_id else "—"
        return f"办件 {self.case_number}，{where}：{self.reason}"


@dataclass
class Report:
    cases: int = 0
    events: int = 0
    anchors: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def county_of(region_code: str) -> str:
    return region_code[:6] + "000000"


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _cases_of_county(county: Region):
    return Case.objects.filter(county=county.code[:6] + "000000")  # the case's own indexed column


def _heads(county: Region, last_event_id: int, before: datetime) -> list[tuple[int, str]]:
    """(case id, hash of its last event) for the county's cases, over events up to an id and a time."""
    last_ids = (
        Event.objects.filter(case__in=_cases_of_county(county), id__lte=last_event_id, at__lt=before)
        .values("case_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return list(Event.objects.filter(id__in=last_ids).values_list("case_id", "hash"))


def verify(case_number: str | None = None, county: str | None = None) -> Report:
    """Recompute every chain (streamed, in id order per case), then every anchor; collect each break."""
    report = Report()
    events = Event.objects.order_by("case_id", "id")
    if case_number:
        if not Case.objects.filter(number=case_number).exists():
            raise LookupError(f"没有编号为 {case_number} 的办件")
        events = events.filter(case__number=case_number)
    if county:
        events = events.filter(case__county=county[:6] + "000000")
    broken: set[int] = set()
    current, prev = None, GENESIS
    fields = ("id", "case_id", "at", "actor_id", "actor_name", "role", "action", "from_state", "to_state")
    for event in events.only(*fields, "note", "data", "prev_hash", "hash").iterator(chunk_size=2000):
        report.events += 1
        if event.case_id != current:
            current, prev = event.case_id, GENESIS
            report.cases += 1
        if event.case_id in broken:
            continue
        if event.prev_hash != prev:
            reason = "前一条事件缺失或被改动（prev_hash 不符）"
        elif event.digest(prev) != event.hash:
            reason = "事件内容被改动（hash 不符）"
        else:
            reason = None
        if reason:
            # Looked up only here, so a long timeline streams without a table of every case in memory.
            number = Case.objects.filter(pk=event.case_id).values_list("number", flat=True).first()
            report.breaks.append(Break(number or str(event.case_id), event.id, reason))
            broken.add(event.case_id)
        prev = event.hash
    anchors = AuditAnchor.objects.select_related("county").order_by("county_id", "day")
    if county:
        anchors = anchors.filter(county_id=county_of(county))
    if not case_number:
        last_hash: dict[str, str] = {}
        for anchor in anchors.iterator():
            report.anchors += 1
            expected_prev = last_hash.get(anchor.county_id, GENESIS)
            heads = _heads(anchor.county, anchor.last_event_id, _day_end(anchor.day))
            digest = anchor_digest(
                county=anchor.county_id, day=anchor.day, heads=heads, prev_hash=anchor.prev_hash
            )
            if anchor.prev_hash != expected_prev or digest != anchor.hash or len(heads) != anchor.heads_count:
                report.breaks.append(
                    Break(f"{anchor.county.name}·{anchor.day}", None, _anchor_reason(anchor, heads))
                )
            last_hash[anchor.county_id] = anchor.hash
    return report


def _anchor_reason(anchor: AuditAnchor, heads) -> str:
    first_cases = ", ".join(str(c) for c, _h in sorted(heads)[:3])
    return (
        f"日锚不符：当日各办件时间线末端已变（记录 {anchor.heads_count} 个办件，现有 {len(heads)} 个；"
        f"前几个办件 id {first_cases}），或日锚链被改动"
    )


def anchor_day(day: date) -> list[tuple[AuditAnchor, bool]]:
    """Seal `day` for every county: (anchor, created). Repeating it changes nothing."""
    results = []
    for county in Region.objects.filter(level=Level.COUNTY).order_by("code"):
        with transaction.atomic():
            existing = AuditAnchor.objects.filter(county=county, day=day).first()
            if existing:
                results.append((existing, False))
                continue
            later = AuditAnchor.objects.filter(county=county, day__gt=day).order_by("day").first()
            if later:
                raise ValueError(f"{county.name} 已有 {later.day} 的日锚：日锚链只能向后延伸，不能补 {day}")
            previous = AuditAnchor.objects.filter(county=county, day__lt=day).order_by("-day").first()
            before = _day_end(day)
            last_event_id = (
                Event.objects.filter(case__in=_cases_of_county(county), at__lt=before).aggregate(m=Max("id"))[
                    "m"
                ]
                or 0
            )
            heads = _heads(county, last_event_id, before)
            prev_hash = previous.hash if previous else GENESIS
            anchor = AuditAnchor.objects.create(
                county=county,
                day=day,
                last_event_id=last_event_id,
                heads_count=len(heads),
                prev_hash=prev_hash,
                hash=anchor_digest(county=county.code, day=day, heads=heads, prev_hash=prev_hash),
                created_at=clock.now(),
            )
            results.append((anchor, True))
    return results


def yesterday() -> date:
    return clock.today() - timedelta(days=1)
