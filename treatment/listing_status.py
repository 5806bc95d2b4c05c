"""What a listing says about openings and how current it is: its badges, its
opening hours' line (and on its pages the week) and its freshness line, the
same on its result card, its page and the provider's own confirmation page.

Python rather than template includes, as a search renders 20 cards at a
time (see treatment.search.cards.PageOfCards.card_html, and its word on
html.escape).
"""

from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

from treatment.hours import day_table
from treatment.models import Provider

# The openings badge's class, by accepting status, and its text with the day
# the provider stated it and without.
OPENINGS = {
    Provider.Status.ACCEPTING: (
        "badge ok",
        gettext_noop("Accepting new patients (as of %(as_of)s)"),
        gettext_noop("Accepting new patients"),
    ),
    Provider.Status.WAITLIST: (
        "badge warn",
        gettext_noop("Waitlist (as of %(as_of)s)"),
        gettext_noop("Waitlist"),
    ),
    Provider.Status.NOT_ACCEPTING: (
        "badge alert",
        gettext_noop("Not accepting new patients (as of %(as_of)s)"),
        gettext_noop("Not accepting new patients"),
    ),
}
OPENINGS_NOT_KNOWN = gettext_noop("Openings not known: call to ask")


def short_date_format():
    """The date format of cards and badges, as the page's language writes it."""
    return pgettext("short date", "M j, Y")


def day_text(day, day_format):
    """The |date filter's text for the day, in the page's language."""
    return remembered_day_text(day, day_format, get_language())


@lru_cache(maxsize=4096)
def remembered_day_text(day, day_format, language):
    """Kept, keyed by the language it is in: a page of cards shows up to 40
    days, and formatting one costs a fifth of a card."""
    return date_format(day, day_format)


def status_badges(provider: Provider, day_format: str = "") -> SafeString:
    """The badges, one a line: openings, walk-ins, same-day start, a sample
    listing, Se habla español (speaks_spanish, which a card sets from its own
    query). Days in `day_format`, short_date_format() by default."""
    return remembered_badges(
        provider.accepting_status,
        provider.accepting_status_on,
        provider.walk_ins_welcome,
        provider.same_day_start,
        provider.is_sample,
        provider.speaks_spanish,
        day_format or short_date_format(),
        get_language(),
    )


@lru_cache(maxsize=4096)
def remembered_badges(
    status, status_on, walk_ins, same_day, sample, spanish, day_format, language
):
    """Kept, keyed by what they say and the language they say it in: cards
    share a few sets of badges, and writing one costs a third of a card."""
    if status in OPENINGS:
        kind, dated, undated = OPENINGS[status]
        if status_on:
            as_of = day_text(status_on, day_format)
            text = gettext(dated) % {"as_of": as_of}
        else:
            text = gettext(undated)
    else:
        kind, text = "badge", gettext(OPENINGS_NOT_KNOWN)
    badges = [f'<span class="{kind}">{escape(text)}</span>']
    if walk_ins:
        badges.append(badge("ok", gettext("Walk-ins welcome")))
    if same_day:
        badges.append(badge("ok", gettext("Same-day start")))
    if sample:
        badges.append(badge("sample", gettext("Sample listing (fictional)")))
    if spanish:
        badges.append('<span class="badge" lang="es">Se habla español</span>')
    return mark_safe("\n".join(badges))  # noqa: S308 (each text escaped)


def badge(kind, text):
    return f'<span class="badge {kind}">{escape(text)}</span>'


def freshness_line(provider: Provider, day_format: str, today=None) -> SafeString:
    """Provider.freshness (as of `today`, by default the present) as a
    paragraph, its day in `day_format` (a translated date format): who
    confirmed the listing and when, or, once that is no longer current, to
    call before going."""
    freshness = provider.freshness_on(today) if today else provider.freshness
    return remembered_freshness_line(freshness, day_format, get_language())


@lru_cache(maxsize=4096)
def remembered_freshness_line(freshness, day_format, language):
    """Kept, keyed by the language it is in, as the badges are."""
    day = {"day": day_text(freshness.on, day_format)} if freshness.on else None
    if freshness.current and freshness.by == "provider":
        text = gettext("Confirmed by the provider on %(day)s.") % day
    elif freshness.current:
        text = gettext("Checked by our staff on %(day)s.") % day
    elif day:
        text = gettext("Not confirmed since %(day)s: call before you go.") % day
    else:
        text = gettext("Not yet confirmed: call before you go.")
    if freshness.current:
        html = f'<p class="freshness">{escape(text)}</p>'
    else:
        html = f'<p class="freshness stale"><strong>{escape(text)}</strong></p>'
    return mark_safe(html)  # noqa: S308 (escaped)


def hours_line(status):
    """The opening hours' line at an instant (a treatment.hours.HoursStatus),
    or nothing for a provider without opening hours (None)."""
    if status is None:
        return ""
    return remembered_hours_line(status, get_language())


@lru_cache(maxsize=1024)
def remembered_hours_line(status, language):
    """Kept, keyed by the language it is in: the cards of a page share a few
    lines ("Open now · until 5 p.m."), and writing one costs a third of
    what a card adds to a search."""
    open_class = " open" if status.is_open or status.always else ""
    return mark_safe(  # noqa: S308 (escaped)
        f'<span class="hours-line{open_class}">{escape(status.line)}</span>'
    )


def opening_hours(provider: Provider, now=None) -> dict:
    """The page's hours: the line for now, the week's table and the time
    zone's abbreviation, all in the provider's own time zone (its opening
    hours prefetched)."""
    week = provider.weekly_hours()
    local_now = week.local(now or timezone.now())
    intervals = provider.opening_intervals()
    return {
        "hours_status": week.status(local_now),
        "hours_table": day_table(intervals, local_now.weekday()) if intervals else [],
        "hours_zone": local_now.tzname(),
    }
