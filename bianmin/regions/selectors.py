"""Reads about places that several apps need: which township center a village hands its cases to."""

from bianmin.regions.models import Center, CenterLevel, Region


def township_of(village: Region) -> Center | None:
    """The township center a village station hands its cases to (Center.parent), else the township's."""
    station = (
        Center.objects.filter(region=village, level=CenterLevel.VILLAGE).select_related("parent").first()
    )
    if station and station.parent_id:
        return station.parent
    return Center.objects.filter(region_id=village.parent_id, level=CenterLevel.TOWNSHIP).first()


def station_of(village: Region) -> Center | None:
    return Center.objects.filter(region=village, level=CenterLevel.VILLAGE).first()
