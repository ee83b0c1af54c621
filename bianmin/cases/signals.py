"""With `PARTITION_CASES = "county"` on PostgreSQL: `migrate` leaves cases_case partitioned by county, and a
new county region gets its partition (bianmin/cases/partitioning.py)."""

import logging

from django.conf import settings
from django.db import connections

from bianmin.cases import partitioning

log = logging.getLogger(__name__)


def _on(connection) -> bool:
    return getattr(settings, "PARTITION_CASES", "") == "county" and connection.vendor == "postgresql"


def partition_after_migrate(sender, using="default", **kwargs):
    """post_migrate of the cases app: convert the table once (a no-op when it already is partitioned)."""
    connection = connections[using]
    if _on(connection) and partitioning.partition_cases_by_county(connection):
        log.info("cases_case is now partitioned by county")


def partition_for_new_county(sender, instance, created, raw=False, using="default", **kwargs):
    """post_save of Region: a new county gets its own partition when the table is partitioned."""
    from bianmin.regions.models import Level

    connection = connections[using]
    if (
        created
        and instance.level == Level.COUNTY
        and partitioning.is_region_code(instance.code)
        and _on(connection)
    ):
        partitioning.county_partition_for(connection, instance.code)
