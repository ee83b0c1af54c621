"""The proxy app's duty days (proxy.DutyDay) move into the roster as weekly duties at the agent's station.

Each agent's station becomes a post (岗位, kind station) held by the agent (A岗). The old proxy table is left
in place, no longer read or written; a later release may drop it.
"""

from django.db import migrations


def forward(apps, schema_editor):
    DutyDay = apps.get_model("proxy", "DutyDay")
    Post = apps.get_model("accounts", "Post")
    Center = apps.get_model("regions", "Center")
    DutyPost = apps.get_model("duty", "DutyPost")
    WeeklyDuty = apps.get_model("duty", "WeeklyDuty")
    for day in DutyDay.objects.order_by("agent_id", "weekday"):
        post = Post.objects.filter(user_id=day.agent_id, role="agent", is_active=True, region__isnull=False).first()
        station = post and Center.objects.filter(region_id=post.region_id, level="village").order_by("code").first()
        if station is None:
            continue
        duty_post = DutyPost.objects.filter(center=station, kind="station").first()
        if duty_post is None:
            duty_post = DutyPost.objects.create(
                center=station, kind="station", name=f"{station.name}代办员", holder_id=day.agent_id
            )
        WeeklyDuty.objects.update_or_create(
            user_id=day.agent_id,
            weekday=day.weekday,
            defaults={"post": duty_post, "hours": day.hours, "place": day.place},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0001_initial"),
        ("proxy", "0003_handover_signatures"),
        ("accounts", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
