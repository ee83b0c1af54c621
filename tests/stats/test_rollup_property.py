"""Incremental rollups (the action hooks) equal rebuild_stats, number for number, on random lifecycles."""

import datetime as dt

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bianmin.stats.models import MEASURES, CenterDay, CenterMonth, Fact, StaffMonth
from bianmin.stats.rollup import FACT_KEY, rebuild
from tests.cases.factories import make_item

from .lifecycles import CHANNELS, CLASSES, PLANS, run

lifecycle = st.tuples(
    st.sampled_from(PLANS),
    st.sampled_from(CLASSES),
    st.sampled_from(CHANNELS),
    st.dates(min_value=dt.date(2026, 3, 2), max_value=dt.date(2026, 6, 30)),
    st.integers(min_value=0, max_value=4),
)


def table(model, key):
    return {
        tuple(row[k] for k in key): tuple(row[m] for m in MEASURES)
        for row in model.objects.values(*key, *MEASURES)
        if any(row[m] for m in MEASURES)
    }


def snapshot():
    return (
        table(Fact, FACT_KEY),
        table(CenterDay, ("day", "county", "center_id", "channel", "case_class")),
        table(CenterMonth, ("month", "county", "center_id", "channel", "case_class")),
        table(
            StaffMonth, ("month", "county", "center_id", "department_id", "staff_id", "channel", "case_class")
        ),
    )


def test_incremental_equals_rebuild_on_random_lifecycles(demo, django_db_blocker):
    items = {kind: make_item(kind) for kind in CLASSES}
    seen = [0]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(st.lists(lifecycle, min_size=1, max_size=16))
    def check(batch):
        for plan, kind, channel, start, gap in batch:
            seen[0] += 1
            run(items, plan, kind, channel, start, gap, seen[0])
        incremental = snapshot()
        assert incremental[0], "the actions wrote no rollup rows"
        rebuild(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
        assert snapshot() == incremental

    # Every plan of every class once (so each quantity is reached whatever hypothesis draws), then random.
    for i, (plan, kind) in enumerate((p, k) for p in PLANS for k in CLASSES):
        seen[0] += 1
        run(
            items,
            plan,
            kind,
            CHANNELS[i % len(CHANNELS)],
            dt.date(2026, 3, 2) + dt.timedelta(days=i),
            1,
            seen[0],
        )
    check()
    assert seen[0] >= 25
    # The lifecycles reached every kind of quantity, so the equality above compared real numbers.
    totals = {m: sum(r[i] for r in snapshot()[0].values()) for i, m in enumerate(MEASURES)}
    assert all(
        totals[m] > 0
        for m in (
            "received",
            "accepted",
            "completed",
            "on_time",
            "refused",
            "withdrawn",
            "escalated",
            "needed_supplement",
            "one_visit",
            "handling_days",
        )
    ), totals
    assert totals["on_time"] < totals["completed"]  # some were late
