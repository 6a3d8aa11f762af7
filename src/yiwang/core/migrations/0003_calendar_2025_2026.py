"""Load the State Council's holiday schedules for 2025 and 2026 (see yiwang.core.holidays).

A year already in the database is left alone: it was entered by an
administrator, whose data wins. Reversing removes the two years.
"""

from django.db import migrations

YEARS = (2025, 2026)


def load(apps, schema_editor):
    from yiwang.core.holidays import SHIPPED

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year in YEARS:
        schedule = SHIPPED[year]
        calendar_year, created = CalendarYear.objects.get_or_create(
            year=year, defaults={"source": schedule.source, "notes": schedule.notes}
        )
        if not created:
            continue
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar_year=calendar_year,
                date=day.date,
                kind=day.kind,
                name_zh=day.name_zh,
                name_en=day.name_en,
            )
            for day in schedule.days()
        )


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
