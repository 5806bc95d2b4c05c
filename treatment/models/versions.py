"""The directory's version: a token that changes with every committed change,
and the log of which providers each change touched."""

import uuid
from functools import lru_cache

from django.db import connection, models, transaction


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

        Read on every search, by a statement compiled once (current_sql): the
        ORM compiling it again cost four times the query on PostgreSQL."""
        with connection.cursor() as cursor:
            cursor.execute(current_sql(connection.vendor))
            row = cursor.fetchone()
        return row and row[0]


@lru_cache(maxsize=2)
def current_sql(vendor):
    """The SQL of the version's token: a plain slice of the table's one row."""
    query = DirectoryVersion.objects.values_list("token", flat=True)[:1].query
    return query.sql_with_params()[0]


# A change naming more providers than this is logged as "anything changed".
PROVIDERS_NAMED = 100
# The log keeps this many latest changes: a process whose search index is
# older finds more than PROVIDERS_NAMED after it, and builds it anew.
CHANGES_KEPT = 10 * PROVIDERS_NAMED


class DirectoryChange(models.Model):
    """One provider a committed change touched, or none (`provider_id` null)
    when it may have changed anything: the taxonomy, a bulk write of many
    providers, a migration. Each process's search index re-reads just the
    providers changed since it was built (treatment.search.index)."""

    provider_id = models.IntegerField(null=True)  # kept after a deletion
    version = models.CharField(max_length=32)  # the token the change gave

    def __str__(self):
        return f"Change {self.pk}: provider {self.provider_id or 'any'}"


class DirectoryQuerySet(models.QuerySet):
    """Bulk writes send no signals, so they mark the directory changed
    themselves (bulk_update goes through update), naming the providers whose
    rows they write when the model says which field holds them
    (`provider_field`) and they are few."""

    def update(self, **kwargs):
        changed = self.changed_providers()
        updated = super().update(**kwargs)
        mark_changed(changed)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        mark_changed(providers_of(created))
        return created

    def delete(self):
        changed = self.changed_providers()
        deleted = super().delete()
        mark_changed(changed)
        return deleted

    def changed_providers(self):
        field = getattr(self.model, "provider_field", None)
        if field is None:
            return None
        ids = self.order_by().values_list(field, flat=True).distinct()
        return named(list(ids[: PROVIDERS_NAMED + 1]))


def providers_of(instances):
    """The ids of the providers these rows belong to, or None: anything (a
    model of no provider, such as the taxonomy's, or too many to name)."""
    instances = list(instances)
    field = getattr(type(instances[0]), "provider_field", None) if instances else ""
    if field is None:
        return None
    return named([getattr(instance, field) for instance in instances])


def named(provider_ids):
    if len(provider_ids) > PROVIDERS_NAMED or None in provider_ids:
        return None
    return sorted(set(provider_ids))


def directory_changed(action="post_", instance=None, **kwargs):
    """The save and delete signals' receiver: give the directory a new
    version once the change is committed."""
    if action.startswith("post_"):
        mark_changed(providers_of([instance]) if instance else None)


def mark_changed(provider_ids):
    """Once the write is committed, log that these providers (None: anything)
    changed and give the directory a new version."""
    if provider_ids != []:
        transaction.on_commit(lambda: new_directory_version(provider_ids))


def new_directory_version(provider_ids=None):
    """Log the change, then a new token, under a lock on the version's row:
    writers take turns, so changes are committed in the order of their ids,
    and a reader that has seen change N has seen every change before it."""
    with transaction.atomic():
        list(DirectoryVersion.objects.select_for_update().values_list("pk"))
        token = uuid.uuid4().hex
        changes = DirectoryChange.objects.bulk_create(
            DirectoryChange(provider_id=pk, version=token)
            for pk in provider_ids or [None]
        )
        # (SQLite before 3.35 gives bulk-created rows no ids.)
        latest = changes[-1].pk or DirectoryChange.objects.latest("pk").pk
        DirectoryChange.objects.filter(pk__lte=latest - CHANGES_KEPT).delete()
        if not DirectoryVersion.objects.update(token=token):
            DirectoryVersion.objects.create(token=token)


def directory_migrated(plan=None, using="default", **kwargs):
    """After migrations are applied, a new version: a data migration may have
    changed the taxonomy and sends no signals. A database whose directory never
    changed has no version, and nothing cached, so it needs none."""
    if plan:
        token = uuid.uuid4().hex
        DirectoryChange.objects.using(using).create(version=token)
        DirectoryVersion.objects.using(using).update(token=token)
