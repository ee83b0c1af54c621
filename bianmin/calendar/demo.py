"""Demo loader: makes sure the seeded calendar is there (a test database flushed by a transactional test
loses what the data migration wrote). Adds nothing when the calendar already exists."""

from bianmin.calendar.models import CalendarDay, CalendarRevision, CalendarYear
from bianmin.calendar.seed import seed_from_chinese_calendar
from bianmin.core import clock


def load() -> None:
    if not CalendarYear.objects.exists():
        seed_from_chinese_calendar(CalendarYear, CalendarDay, CalendarRevision, clock.now())
