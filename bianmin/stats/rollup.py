"""Keeping the rollups: +1 deltas in the action's own transaction, and `rebuild` from the cases themselves.

Both paths derive every row from the same facts, so they agree number for number (tests/stats):

- receipt (intake): received, home_visit — keyed by the receipt day and the receiving staff; the first 补正
  request of a case adds needed_supplement to that same receipt row (so 补正率 is a share of a cohort);
- accept / refuse / withdraw / escalate events: keyed by the event's day and actor;
- a completion (complete, or accept of an instant item done on the spot): completed, on_time, early,
  one_visit, handling_days — keyed by the completion day and the actor.

A case's other key parts (center, lead department, item, channel, village) never change after intake;
its class in the rollups is the class the item gives it (``Item.case_class``), not the "returned" class a
refusal or denial puts on the row (that is counted as refused or as a denial instead).
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum, UniqueConstraint
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from bianmin.cases.clock import current_calendar
from bianmin.cases.generate import generated
from bianmin.cases.hooks import IN_TRANSACTION, subscribe
from bianmin.cases.models import Case, Event
from bianmin.catalog.models import Item
from bianmin.core import clock
from bianmin.stats.models import MEASURES, CenterDay, CenterMonth, Fact, StaffMonth

FACT_KEY = (
    "day",
    "county",
    "center_id",
    "department_id",
    "item_id",
    "channel",
    "case_class",
    "staff_id",
    "village",
)
CENTER_KEY = ("day", "county", "center_id", "channel", "case_class")
MONTH_KEY = ("month", "county", "center_id", "channel", "case_class")
STAFF_KEY = ("month", "county", "center_id", "department_id", "staff_id", "channel", "case_class")
COUNTED = ("receive", "accept", "complete", "refuse", "withdraw", "escalate", "request_supplement")
EVENT_MEASURE = {"accept": "accepted", "refuse": "refused", "withdraw": "withdrawn", "escalate": "escalated"}


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, clock.SHANGHAI).date()


_class_cache: dict[int, str] = {}


def item_class(item_id: int, item: Item | None = None) -> str:
    """The class a case of this item version gets (items are versioned rows: the answer never changes)."""
    if item_id not in _class_cache:
        item = item or Item.objects.prefetch_related("joint_departments").get(pk=item_id)
        _class_cache[item_id] = item.case_class
    return _class_cache[item_id]


def item_classes(item_ids) -> dict[int, str]:
    missing = [i for i in set(item_ids) if i not in _class_cache]
    for item in Item.objects.filter(pk__in=missing).prefetch_related("joint_departments"):
        _class_cache[item.pk] = item.case_class
    return {i: _class_cache[i] for i in item_ids}


def case_key(case: Case, day: dt.date, staff_id: int | None) -> tuple:
    return (
        day,
        case.county,
        case.center_id,
        case.lead_department_id or 0,
        case.item_id,
        case.channel,
        item_class(case.item_id, case.item if "item" in case._state.fields_cache else None),
        staff_id or 0,
        case.village_id or "",
    )


def handling_days(calendar, started: dt.date | None, finished: dt.date, paused: int) -> int:
    """Working days from the clock's start to the completion day (start day not counted), less the pauses."""
    if started is None:
        return 0
    return calendar.workdays_between(started, finished).days - (paused or 0)


def completion_measures(calendar, day, deadline, on_time, started, paused, one_visit, n=1) -> Counter:
    return Counter(
        completed=n,
        on_time=n if on_time else 0,
        early=n if deadline is not None and day < deadline else 0,
        one_visit=n if one_visit else 0,
        handling_days=n * handling_days(calendar, started, day, paused),
    )


# --- the incremental path ---------------------------------------------------------------------------


def deltas_for(action: str, case: Case, event: Event) -> dict[tuple, Counter]:
    out: dict[tuple, Counter] = defaultdict(Counter)
    if event is None:
        return out
    actor = event.actor_id
    day = local_day(event.at)
    if action == "receive":
        row = out[case_key(case, local_day(case.received_at), case.submitted_by_id)]
        row["received"] += 1
        row["home_visit"] += 1 if case.proxy_home_visit else 0
    elif action == "request_supplement":
        first = not Event.objects.filter(case=case, action="request_supplement").exclude(pk=event.pk).exists()
        if first:
            out[case_key(case, local_day(case.received_at), case.submitted_by_id)]["needed_supplement"] += 1
    if action in EVENT_MEASURE:
        out[case_key(case, day, actor)][EVENT_MEASURE[action]] += 1
    if event.to_state == "completed" and action in ("complete", "accept"):
        out[case_key(case, day, actor)].update(
            completion_measures(
                current_calendar(),
                day,
                case.deadline,
                case.completed_on_time,
                case.clock_started_on,
                case.paused_days,
                case.supplement_requested_at is None,
            )
        )
    return out


def _upsert_sql(model) -> tuple[str, list[str], list[str]]:
    """INSERT … ON CONFLICT (the key) DO UPDATE adding the measures: one statement on SQLite and PostgreSQL."""
    cached = _UPSERT.get(model)
    if cached:
        return cached
    qn = connection.ops.quote_name
    (unique,) = [c for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
    measures = [f.column for f in model._meta.concrete_fields if f.name in MEASURES]
    keys = [f.column for f in model._meta.concrete_fields if not f.primary_key and f.column not in measures]
    table = qn(model._meta.db_table)
    columns = keys + measures
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(qn(model._meta.get_field(f).column) for f in unique.fields)}) DO UPDATE SET "
        + ", ".join(f"{qn(m)} = {table}.{qn(m)} + EXCLUDED.{qn(m)}" for m in measures)
    )
    _UPSERT[model] = (sql, keys, measures)
    return _UPSERT[model]


_UPSERT: dict = {}


def _bump(model, key: dict, counts: dict) -> tuple[str, list] | None:
    """The statement adding `counts` to the row of `key`, creating it at zero first; a concurrent first
    insert cannot lose a count (the database resolves the conflict inside the one statement)."""
    if not any(counts.values()):
        return None
    sql, keys, measures = _upsert_sql(model)
    fields = {f.column: f.name for f in model._meta.concrete_fields}
    return sql, [key[fields[c]] for c in keys] + [counts.get(fields[m], 0) for m in measures]


def _run(statements: list[tuple[str, list]]) -> None:
    """The upserts of one action: on PostgreSQL one round trip (all but the last as data-modifying WITH
    parts of the last — each touches another row, so their order does not matter); SQLite runs them one
    by one (it has no INSERT inside WITH)."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, (last_sql, last_params) = statements
            parts = ", ".join(f"u{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(first))
            params = [p for _, ps in first for p in ps] + last_params
            cursor.execute(f"WITH {parts} {last_sql}", params)
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def apply(deltas: dict[tuple, Counter]) -> None:
    statements: list = []
    centers: dict[tuple, Counter] = defaultdict(Counter)
    staff: dict[tuple, Counter] = defaultdict(Counter)
    for key, counts in deltas.items():
        statements.append(_bump(Fact, dict(zip(FACT_KEY, key, strict=True)), counts))
        centers[(key[0], key[1], key[2], key[5], key[6])].update(counts)
        staff[(key[0].replace(day=1), key[1], key[2], key[3], key[7], key[5], key[6])].update(counts)
    for key, counts in staff.items():
        statements.append(_bump(StaffMonth, dict(zip(STAFF_KEY, key, strict=True)), counts))
    months: dict[tuple, Counter] = defaultdict(Counter)
    for key, counts in centers.items():
        statements.append(_bump(CenterDay, dict(zip(CENTER_KEY, key, strict=True)), counts))
        months[(key[0].replace(day=1), *key[1:])].update(counts)
    for key, counts in months.items():
        statements.append(_bump(CenterMonth, dict(zip(MONTH_KEY, key, strict=True)), counts))
    _run([s for s in statements if s is not None])


@subscribe(IN_TRANSACTION, COUNTED)
def on_case_action(acted) -> None:
    """Same transaction as the action: the statistics commit or roll back with it."""
    apply(deltas_for(acted.action, acted.case, acted.event))


# --- the rebuild ------------------------------------------------------------------------------------


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def compute(date_from: dt.date, date_to: dt.date) -> dict[tuple, Counter]:
    """Every Fact row of [date_from, date_to], computed from the cases and their timelines (GROUP BY)."""
    since, until = _start(date_from), _start(date_to + dt.timedelta(days=1))
    out: dict[tuple, Counter] = defaultdict(Counter)
    calendar = current_calendar()
    case_dims = ("county", "center_id", "lead_department_id", "item_id", "channel", "village_id")
    rows = (
        Case.objects.filter(received_at__gte=since, received_at__lt=until)
        .annotate(d=TruncDate("received_at", tzinfo=clock.SHANGHAI))
        .values("d", *case_dims, "submitted_by_id")
        .annotate(
            n=Count("id"),
            hv=Count("id", filter=Q(proxy_home_visit=True)),
            sup=Count("id", filter=Q(supplement_requested_at__isnull=False)),
        )
        .order_by()
    )
    rows = list(rows)
    classes = item_classes({r["item_id"] for r in rows})

    def key(r, day, staff, prefix=""):
        return (
            day,
            r[prefix + "county"],
            r[prefix + "center_id"],
            r[prefix + "lead_department_id"] or 0,
            r[prefix + "item_id"],
            r[prefix + "channel"],
            classes[r[prefix + "item_id"]],
            staff or 0,
            r[prefix + "village_id"] or "",
        )

    for r in rows:
        out[key(r, r["d"], r["submitted_by_id"])].update(
            received=r["n"], home_visit=r["hv"], needed_supplement=r["sup"]
        )
    event_dims = tuple("case__" + d for d in case_dims)
    events = Event.objects.filter(at__gte=since, at__lt=until).annotate(
        d=TruncDate("at", tzinfo=clock.SHANGHAI)
    )
    counted = list(
        events.filter(action__in=list(EVENT_MEASURE))
        .values("d", "action", *event_dims, "actor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    finished = list(
        events.filter(action__in=["complete", "accept"], to_state="completed")
        .values(
            "d",
            *event_dims,
            "actor_id",
            "case__deadline",
            "case__completed_on_time",
            "case__clock_started_on",
            one=ExpressionWrapper(Q(case__supplement_requested_at__isnull=True), output_field=BooleanField()),
        )
        .annotate(n=Count("id"), paused=Sum("case__paused_days"))
        .order_by()
    )
    classes = item_classes({r["case__item_id"] for r in counted + finished})
    for r in counted:
        out[key(r, r["d"], r["actor_id"], "case__")][EVENT_MEASURE[r["action"]]] += r["n"]
    for r in finished:
        n = r["n"]
        measures = completion_measures(
            calendar, r["d"], r["case__deadline"], r["case__completed_on_time"], None, 0, r["one"], n
        )
        # handling days: paused days are summed over the group, the working days are the same for each case
        if r["case__clock_started_on"] is not None:
            span = calendar.workdays_between(r["case__clock_started_on"], r["d"]).days
            measures["handling_days"] = span * n - (r["paused"] or 0)
        out[key(r, r["d"], r["actor_id"], "case__")].update(measures)
    return out


def rebuild(date_from: dt.date, date_to: dt.date, batch: int = 5000, progress=None) -> int:
    """Replace the rollup rows of [date_from, date_to] by what the cases say; returns the Fact rows written.

    A calendar month at a time, each in its own transaction: memory stays that of one month's rows (a
    million cases over five years is 1.3M Fact rows), and every chunk is a range scan on indexed dates."""
    written = 0
    start = date_from
    while start <= date_to:
        end = min(date_to, _month_span(start, start)[1])
        written += _rebuild_chunk(start, end, batch)
        if progress:
            progress(start, end, written)
        start = end + dt.timedelta(days=1)
    return written


def _rebuild_chunk(date_from: dt.date, date_to: dt.date, batch: int) -> int:
    facts = compute(date_from, date_to)
    centers: dict[tuple, Counter] = defaultdict(Counter)
    for k, counts in facts.items():
        centers[(k[0], k[1], k[2], k[5], k[6])].update(counts)
    with transaction.atomic():
        Fact.objects.filter(day__gte=date_from, day__lte=date_to).delete()
        CenterDay.objects.filter(day__gte=date_from, day__lte=date_to).delete()
        for model, rows, names in ((Fact, facts, FACT_KEY), (CenterDay, centers, CENTER_KEY)):
            objs = (
                model(**dict(zip(names, k, strict=True)), **{m: counts.get(m, 0) for m in MEASURES})
                for k, counts in rows.items()
                if any(counts.values())
            )
            while chunk := _take(objs, batch):
                model.objects.bulk_create(chunk)
        rebuild_months(date_from, date_to)
    return len(facts)


def _month_span(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    last = (date_to.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return date_from.replace(day=1), last


def rebuild_months(date_from: dt.date, date_to: dt.date) -> None:
    """CenterMonth and StaffMonth for every month touching [date_from, date_to], summed from the daily
    tables (set-based: one GROUP BY each)."""
    first, last = _month_span(date_from, date_to)
    for model, source, names in (
        (CenterMonth, CenterDay, ("county", "center_id", "channel", "case_class")),
        (StaffMonth, Fact, ("county", "center_id", "department_id", "staff_id", "channel", "case_class")),
    ):
        model.objects.filter(month__gte=first, month__lte=last).delete()
        rows = (
            source.objects.filter(day__gte=first, day__lte=last)
            .annotate(m=TruncMonth("day"))
            .values("m", *names)
            .annotate(**{"s_" + m: Sum(m) for m in MEASURES})
            .order_by()
        )
        model.objects.bulk_create(
            (
                model(
                    month=r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"],
                    **{n: r[n] for n in names},
                    **{m: r["s_" + m] or 0 for m in MEASURES},
                )
                for r in rows.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )


def _take(iterator, n):
    out = []
    for obj in iterator:
        out.append(obj)
        if len(out) >= n:
            break
    return out


def case_span() -> tuple[dt.date, dt.date] | None:
    """The days any case was received or acted on: what a full rebuild covers."""
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return None
    return local_day(first), clock.today()


def _after_generate(sender, count=0, **kwargs) -> None:
    """generate_cases bulk-writes cases without the actions: recompute every day they can touch."""
    span = case_span()
    if count and span:
        rebuild(*span)


generated.connect(_after_generate, dispatch_uid="stats_after_generate")
