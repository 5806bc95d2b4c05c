"""Counts of what each client sent in the last hour, for the submission limit.

Kept in the database rather than a cache: a cache may evict a counter to make
room for search results, and a cache server can be down while the database,
which must be up to store an inquiry at all, is not.
"""

from django.db import models


class SubmissionCount(models.Model):
    """How many forms of one kind one client sent since `started_at`."""

    client = models.CharField(
        max_length=64, help_text="A keyed hash of the client's network, never it."
    )
    action = models.CharField(max_length=20)
    started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "action"], name="one_submission_count_per_client"
            )
        ]

    def __str__(self):
        return f"{self.count} {self.action} since {self.started_at:%H:%M}"
