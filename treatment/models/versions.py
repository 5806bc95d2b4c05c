"""The directory's version: a token that changes with every committed change."""

import uuid

from django.db import models, transaction


class DirectoryVersion(models.Model):
    """A token that changes with every change to providers, services or categories.

    Search caches costly counts under keys that include it, so every process
    stops using them the moment the directory changes, whatever the cache.
    """

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token

    @classmethod
    def current(cls):
        """The token, or None before the directory's first change.

        Read on every search: a plain slice of the table's one row costs
        less than half of .first(), which orders and clones."""
        return next(iter(cls.objects.values_list("token", flat=True)[:1]), None)


class DirectoryQuerySet(models.QuerySet):
    """Bulk writes send no signals, so they mark the directory changed
    themselves (bulk_update goes through update)."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        directory_changed()
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        directory_changed()
        return created

    def delete(self):
        deleted = super().delete()
        directory_changed()
        return deleted


def directory_changed(action="post_", **kwargs):
    """Give the directory a new version once the change is committed."""
    if action.startswith("post_"):
        transaction.on_commit(new_directory_version)


def new_directory_version():
    token = uuid.uuid4().hex
    if not DirectoryVersion.objects.update(token=token):
        DirectoryVersion.objects.create(token=token)


def directory_migrated(plan=None, using="default", **kwargs):
    """After migrations are applied, a new version: a data migration may have
    changed the taxonomy and sends no signals. A database whose directory never
    changed has no version, and nothing cached, so it needs none."""
    if plan:
        DirectoryVersion.objects.using(using).update(token=uuid.uuid4().hex)
