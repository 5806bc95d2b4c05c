"""Result cards: each provider's card rendered once per directory version."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import IntegerField, Value
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from treatment.hours import WeeklyHours
from treatment.models import SPANISH, OpeningHours, Provider
from treatment.search.caching import SEARCH_CACHE_SECONDS
from treatment.search.query import ProviderServices

# Where a result card shows the distance: cards are rendered once for every
# search, and each search puts its own distance there.
DISTANCE_SLOT = mark_safe("<!-- distance -->")
CARD_END = mark_safe("<!-- end of card -->")


@dataclass
class ResultCard:
    """One result: its card's HTML, which holds the same for every search,
    either side of the distance and the opening hours' line, which are this
    search's own (the hours, kept with the card, read at the search's now)."""

    before_distance: str
    after_distance: str
    hours: WeeklyHours
    distance: float | None
    now: datetime

    @property
    def hours_status(self):
        """The HoursStatus at the search's instant, or None without hours."""
        return self.hours.status(self.now)

    @property
    def miles(self):
        """As shown: to a tenth of a mile, and never "0.0"."""
        if self.distance >= 0.05:
            return f"{self.distance:.1f}"  # US style in both languages
        return gettext("Less than 0.1")


def result_cards(rows, groups, version, now):
    """[ResultCard] for a page's rows, their hours read at `now`.

    A card renders in a fraction of a millisecond, 20 to a page, and needs a
    query for its services and opening hours; it is kept in the cache, with
    the provider's WeeklyHours, until the directory changes, and
    only the cards not found there are rendered, their providers read if the
    page came from the cache.
    """
    keys = {pk: f"directory-card:{version}:{pk}" for pk, _, _ in rows}
    found = cache.get_many(keys.values()) if version else {}
    missing = {pk: provider for pk, _, provider in rows if keys[pk] not in found}
    unread = [pk for pk, provider in missing.items() if provider is None]
    if unread:
        missing.update(Provider.objects.in_bulk(unread))
    if missing:
        providers = [provider for provider in missing.values() if provider]
        rendered = {
            keys[provider.pk]: (*card, provider.week)
            for provider, card in zip(
                providers,
                render_cards(with_card_data(providers, groups)),
                strict=True,
            )
        }
        if version:
            cache.set_many(rendered, SEARCH_CACHE_SECONDS)
        found.update(rendered)
    # A provider deleted since its page was cached has no card; its deletion
    # gave the directory a new version, so the next search will not show it.
    return [
        ResultCard(*found[keys[pk]], distance=distance, now=now)
        for pk, distance, _ in rows
        if keys[pk] in found
    ]


def render_cards(providers):
    """For each provider, (HTML before, HTML after) the place where a search
    shows the distance: in one rendering, which costs less than one each."""
    html = get_template("treatment/search.html#result-cards").render(
        {"providers": providers, "distance_slot": DISTANCE_SLOT, "card_end": CARD_END}
    )
    return [
        tuple(mark_safe(part) for part in card.split(DISTANCE_SLOT))  # noqa: S308
        for card in html.split(CARD_END)[:-1]
    ]


def with_card_data(providers, groups):
    """Set each provider's main_services (care, medications),
    payment_services, speaks_spanish and week (its WeeklyHours).

    One query, of service ids and opening hours' spans together, then the
    taxonomy's own service objects, in display order: a prefetch would build
    a service and a category object for every row.
    """
    taxonomy = sorted(
        (service for group in groups for service in group.services),
        key=lambda service: (service.category.order, service.order, service.name),
    )
    main = [s for s in taxonomy if s.category.slug in ("care", "medications")]
    payment = [s for s in taxonomy if s.category.slug == "payment"]
    spanish = {s.pk for s in taxonomy if s.slug == SPANISH}
    ids = [provider.pk for provider in providers]
    nothing = Value(None, output_field=IntegerField())
    offered = (
        ProviderServices.objects.filter(provider_id__in=ids)
        .order_by()
        .values_list("provider_id", "service_id", nothing, nothing)
    )
    hours = (
        OpeningHours.objects.filter(provider_id__in=ids)
        .order_by()
        .values_list("provider_id", nothing, "start_minute", "end_minute")
    )
    services, spans = defaultdict(set), defaultdict(list)
    for provider_id, service_id, start, end in offered.union(hours, all=True):
        if service_id is None:
            spans[provider_id].append((start, end))
        else:
            services[provider_id].add(service_id)
    for provider in providers:
        ids = services[provider.pk]
        provider.main_services = [s for s in main if s.pk in ids]
        provider.payment_services = [s for s in payment if s.pk in ids]
        provider.speaks_spanish = bool(spanish & ids)
        provider.week = provider.weekly_hours(spans[provider.pk])
    return providers
