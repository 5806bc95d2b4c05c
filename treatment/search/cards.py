"""Result cards: each provider's card rendered once per directory version."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape

from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from treatment.hours import WeeklyHours
from treatment.listing_status import (
    freshness_line,
    hours_line,
    short_date_format,
    status_badges,
)
from treatment.models import SPANISH, Provider
from treatment.phones import tel_href
from treatment.search.caching import SEARCH_CACHE_SECONDS

# What a card shows of a provider (card_html, listing_status, weekly_hours):
# reading only these costs half as much as the whole row.
CARD_FIELDS = (
    "name",
    "slug",
    "street",
    "city",
    "state",
    "zip_code",
    "phone",
    "intake_phone",
    "accepting_status",
    "accepting_status_on",
    "walk_ins_welcome",
    "same_day_start",
    "source",  # is_sample
    "verified_on",
    "confirmed_on",
    "time_zone",
    "open_24_7",
)
# The columns read, in the model's field order (as Model.from_db takes them).
CARD_COLUMNS = [
    field.attname
    for field in Provider._meta.concrete_fields
    if field.attname in {"id", *CARD_FIELDS}
]


@dataclass
class ResultCard:
    """One result: its card's HTML, which holds the same for every search,
    either side of the distance and the opening hours' line, which are this
    search's own (the hours, kept with the card as a WeeklyHours' zone and
    spans, read at the search's now). What is kept is plain strings and
    numbers, which the cache pickles in half the time of objects."""

    before_distance: str
    after_distance: str
    zone: str
    spans: tuple
    distance: float | None
    now: datetime


def cards_html(cards):
    """The cards' HTML, one a line, each with its distance and its opening
    hours' line at its search's now; the texts they share translated once."""
    away, nearby = gettext("%(miles)s miles away"), gettext("Less than 0.1")
    lines = []
    for card in cards:
        distance = ""
        if card.distance is not None:
            # To a tenth of a mile (US style in both languages), never "0.0".
            miles = f"{card.distance:.1f}" if card.distance >= 0.05 else nearby
            distance = f"<strong>{escape(away % {'miles': miles})}</strong>"
        hours = hours_line(WeeklyHours(card.zone, card.spans).status(card.now))
        lines.append(f"{card.before_distance}{distance}{hours}{card.after_distance}")
    return mark_safe("\n".join(lines))  # noqa: S308 (escaped: the kept parts when made)


def result_cards(rows, groups, version, now, offered_by):
    """[ResultCard] for a page's rows, their hours read at `now`, their
    services and hours from `offered_by` (see with_card_data).

    A card renders in a fraction of a millisecond, 20 to a page; it is kept
    in the cache, with the provider's WeeklyHours, until the directory
    changes, and only the cards not found there are rendered, their
    providers read if the page came from the cache.
    """
    keys = {pk: f"directory-card:{version}:{pk}" for pk, _, _ in rows}
    found = cache.get_many(keys.values()) if version else {}
    missing = {pk: provider for pk, _, provider in rows if keys[pk] not in found}
    unread = [pk for pk, provider in missing.items() if provider is None]
    if unread:
        missing.update(card_providers(unread))
    if missing:
        providers = [provider for provider in missing.values() if provider]
        page = PageOfCards()
        rendered = {
            keys[provider.pk]: (
                *page.card_html(provider),
                provider.week.zone,
                provider.week.spans,
            )
            for provider in with_card_data(providers, groups, offered_by)
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


def card_providers(pks):
    """{id: Provider with CARD_FIELDS} of these providers, by the statement
    card_sql keeps: in_bulk() would compile the same SQL again for each page
    (half its cost), and one query is all a new search runs."""
    read = frozenset(CARD_COLUMNS)  # from_db looks each model field up in it
    with connection.cursor() as cursor:
        cursor.execute(card_sql(connection.vendor, len(pks)), pks)
        return {
            row[0]: Provider.from_db(connection.alias, read, row)
            for row in cursor.fetchall()
        }


@lru_cache(maxsize=64)
def card_sql(vendor, count):
    """The SQL that reads CARD_COLUMNS of `count` providers by id, compiled
    once per database vendor and count (a page holds at most PER_PAGE)."""
    query = (
        Provider.objects.filter(pk__in=range(count))
        .order_by()  # the page's rows give the order
        .values_list(*CARD_COLUMNS)
    )
    return query.query.sql_with_params()[0]


class PageOfCards:
    """What every card of a page says alike, worked out once for the page in
    its language: reverse(), gettext and the date format cost as much as the
    rest of a card when asked for each one."""

    def __init__(self):
        # A provider's page path (get_absolute_url) from its slug, which
        # needs no quoting.
        self.path_head, self.path_tail = reverse(
            "treatment:provider-detail", args=["-"]
        ).rsplit("-", 1)
        self.call = gettext("Call %(number)s")
        self.offers, self.payment = gettext("Offers"), gettext("Payment")
        self.day_format = short_date_format()
        self.today = timezone.localdate()

    def card_html(self, provider):
        """The provider's card as (HTML before, HTML after) the place where
        a search shows its distance and opening hours' line, escaped; the
        provider needs with_card_data's attributes.

        f-strings of text put through html.escape, which
        django.utils.html.escape wraps: its check for lazy text, and
        format_html's, would cost as much as the rest of the card.
        """
        path = f"{self.path_head}{provider.slug}{self.path_tail}"
        before = (
            f'<li class="result">\n<h2><a href="{escape(path)}">'
            f'{escape(provider.name)}</a></h2>\n<div class="meta">\n'
        )
        street = f"{provider.street}, " if provider.street else ""
        address = f"{street}{provider.city}, {provider.state} {provider.zip_code}"
        after = [
            status_badges(provider, self.day_format),
            "</div>",
            f"<p>{escape(address)}</p>",
        ]
        if number := provider.call_number:
            call = self.call % {"number": number}
            after.append(
                f'<p><a class="button call" href="{escape(tel_href(number))}">'
                f"{escape(call)}</a></p>"
            )
        after.append("<dl>")
        for label, names in [
            (self.offers, provider.main_services),
            (self.payment, provider.payment_services),
        ]:
            if names:
                names = escape(", ".join(names))
                after.append(f"<dt>{escape(label)}</dt><dd>{names}</dd>")
        after += [
            "</dl>",
            freshness_line(provider, self.day_format, self.today),
            "</li>",
        ]
        return before, "\n".join(after)


def with_card_data(providers, groups, offered_by):
    """Set each provider's main_services (the names of its care and
    medications), payment_services (names), speaks_spanish and week (its
    WeeklyHours), from what `offered_by(provider ids)` gives
    (IndexSearch.offered_by or SqlSearch.offered_by), in display order and
    the page's language."""
    main, payment, spanish = card_services(tuple(groups), get_language())
    offered = offered_by([provider.pk for provider in providers])
    for provider in providers:
        ids, spans = offered.get(provider.pk, (set(), []))
        provider.main_services = [name for pk, name in main if pk in ids]
        provider.payment_services = [name for pk, name in payment if pk in ids]
        provider.speaks_spanish = bool(spanish & ids)
        provider.week = provider.weekly_hours(spans)
    return providers


@lru_cache(maxsize=8)
def card_services(groups, language):
    """([(id, name)] of the care and medications a card names, the same of
    its payment, {Spanish's id}), in display order and `language` (the
    active one), for the groups of a version: the same for every card."""
    taxonomy = sorted(
        (service for group in groups for service in group.services),
        key=lambda service: (service.category.order, service.order, service.name),
    )
    main = [
        (s.pk, str(s)) for s in taxonomy if s.category.slug in ("care", "medications")
    ]
    payment = [(s.pk, str(s)) for s in taxonomy if s.category.slug == "payment"]
    return main, payment, {s.pk for s in taxonomy if s.slug == SPANISH}
