"""Opening hours as data: a provider's weekly intervals (several a day, past
midnight allowed), read by search's "open now" and the pages' hours lines.
The time logic itself is treatment.hours."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from treatment.hours import WEEK, week_span
from treatment.models.providers import Provider
from treatment.models.versions import DirectoryQuerySet


class OpeningHoursQuerySet(DirectoryQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk writes skip save(): fill the week's minutes here too."""
        objs = list(objs)
        for interval in objs:
            interval.fill_minutes()
        return super().bulk_create(objs, *args, **kwargs)


class OpeningHours(models.Model):
    """One interval of a provider's week: `weekday` from `opens` to `closes`.

    Closing at or before the opening time means the next day (22:00 to
    02:00); the same time means 24 hours (00:00 to 00:00 is the whole day).
    """

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField()
    closes = models.TimeField(
        help_text="Earlier than the opening time: the next day (10 p.m. to "
        "2 a.m.). The same time: 24 hours."
    )
    # The interval as minutes of the week from Monday 00:00 local time (the
    # end may pass the week's end, 10080), for search: set on save.
    start_minute = models.PositiveIntegerField(editable=False)
    end_minute = models.PositiveIntegerField(editable=False)

    objects = OpeningHoursQuerySet.as_manager()
    provider_field = "provider_id"  # for the directory's change log

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_minute__gt=models.F("start_minute"))
                & models.Q(start_minute__lt=WEEK),
                name="opening_hours_span_in_week",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def save(self, *args, **kwargs):
        self.fill_minutes()
        super().save(*args, **kwargs)

    def fill_minutes(self):
        self.start_minute, self.end_minute = week_span(
            self.weekday, self.opens, self.closes
        )


def validate_open_24_7(open_24_7, intervals):
    """“Open 24 hours, 7 days a week” is instead of weekly hours: refuse a
    week with both (staff's provider form, providers' suggested changes and
    their approval)."""
    if open_24_7 and intervals:
        raise ValidationError(
            _(
                "“Open 24 hours, 7 days a week” is ticked, so the weekly hours "
                "would not be used. Remove them, or untick it."
            ),
            code="hours_beside_open_24_7",
        )
