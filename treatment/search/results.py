"""A search from its GET parameters to everything its page shows."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext, ngettext

from treatment.models import DirectoryVersion
from treatment.search.caching import SEARCH_CACHE_SECONDS, cache_version, cached_page
from treatment.search.cards import cards_html, result_cards
from treatment.search.facets import filter_panel
from treatment.search.index import directory_index
from treatment.search.index_search import IndexSearch
from treatment.search.links import SearchQuery, chips
from treatment.search.params import (
    DirectoryFilter,
    cached_directory_filter,
    directory_filter,
    filter_groups,
    page_number,
)
from treatment.search.query import PER_PAGE
from treatment.search.sql_search import SqlSearch


@dataclass
class SearchResults:
    filterset: DirectoryFilter
    answer: IndexSearch | SqlSearch | None  # None: the place was not found
    page: object
    total: int
    accepting_count: int
    open_now_count: int
    notices: list
    version: str | None  # the directory's, which keys the page's cached parts
    confirmed_count: int = 0

    counts: dict = field(default_factory=dict)  # {service id: results with it}

    @property
    def filter_panel(self):
        """The filter groups' HTML, with their counts (facets.filter_panel)."""
        return filter_panel(self.filterset, self.counts, self.version)

    @property
    def title(self):
        """The page's title: treatment near where the search looks."""
        place = self.filterset.place
        if place and place.from_device:
            return gettext("Treatment near your location")
        if place:
            return gettext("Treatment near %(label)s") % {"label": place.label}
        return gettext("Find treatment")

    @property
    def heading(self):
        """How many providers the search found, within how far of where.
        Python, not the template's blocktranslate, as a search's page is
        counted in tenths of a millisecond; the same messages."""
        place, miles, total = (
            self.filterset.place,
            self.filterset.radius_miles,
            self.total,
        )
        label = place.label if place else ""
        if not place:
            text = ngettext("%(counter)s provider", "%(counter)s providers", total)
        elif place.from_device and label and miles:
            text = ngettext(
                "%(counter)s provider within %(miles)s miles of your location "
                "(around %(label)s)",
                "%(counter)s providers within %(miles)s miles of your location "
                "(around %(label)s)",
                total,
            )
        elif place.from_device and label:
            text = ngettext(
                "%(counter)s provider near your location (around %(label)s)",
                "%(counter)s providers near your location (around %(label)s)",
                total,
            )
        elif place.from_device and miles:
            text = ngettext(
                "%(counter)s provider within %(miles)s miles of your location",
                "%(counter)s providers within %(miles)s miles of your location",
                total,
            )
        elif place.from_device:
            text = ngettext(
                "%(counter)s provider near your location",
                "%(counter)s providers near your location",
                total,
            )
        elif miles:
            text = ngettext(
                "%(counter)s provider within %(miles)s miles of %(label)s",
                "%(counter)s providers within %(miles)s miles of %(label)s",
                total,
            )
        else:
            text = ngettext(
                "%(counter)s provider near %(label)s",
                "%(counter)s providers near %(label)s",
                total,
            )
        return text % {"counter": total, "miles": miles, "label": label}

    @cached_property
    def wider_totals(self):
        """[(radius value, total)] at each distance wider than the chosen one:
        e.g. [("50", 3), ("100", 7), ("any", 12)]."""
        return self.answer.wider_totals() if self.answer else []

    @cached_property
    def totals_without(self):
        """[(parameter, value, label, total)]: for the keywords, each filter
        option chosen, "accepting" and "confirmed", the total were that one
        choice undone."""
        return self.answer.totals_without() if self.answer else []

    @property
    def cards_html(self):
        """The page's result cards, one a line: joined in Python, as a
        template loop's per-item work would cost as much as a card's own."""
        return cards_html(self.page.object_list)

    @property
    def cache_seconds(self):
        """How long cached parts may be kept: not at all without a version."""
        return SEARCH_CACHE_SECONDS if self.version else 0

    @property
    def place_problem(self):
        """The PlaceLookup of a place box whose text gave no place to search."""
        return self.filterset.place_problem

    @cached_property
    def search_query(self):
        """The SearchQuery all of this search's links are made from."""
        return SearchQuery(self.filterset)

    @cached_property
    def chips(self):
        """[Chip]: the choices made, each a link to the search without it."""
        return chips(self.filterset, self.search_query)

    @property
    def clear_all_query(self):
        return self.search_query.cleared()

    @property
    def query(self):
        """This search's URL query: its valid choices, rewritten, no page."""
        return self.search_query.urlencode()

    @property
    def wider(self):
        """[(radius choice, total)] beyond the chosen distance that add results."""
        steps, shown = [], 0
        for value, total in self.wider_totals:
            if total > shown:
                steps.append((value, total))
                shown = total
        return steps

    @property
    def relaxations(self):
        """[(Chip, total)]: each choice that holds results back, as the link
        that undoes it."""
        by_choice = {(chip.name, chip.value): chip for chip in self.chips}
        return [
            (by_choice[name, value], total)
            for name, value, _, total in self.totals_without
            if total and (name, value) in by_choice
        ]


def search_directory(params, now=None):
    """Everything the search page shows for these GET parameters, at `now`
    (an aware datetime; by default the present), the instant "open now"
    and the cards' opening hours are read at.

    Raises PastLastPage for a page number past the last page.
    """
    directory_version = DirectoryVersion.current()
    if directory_version is None:  # nothing to key an index or a cache to
        filterset_class = directory_filter(filter_groups())
    else:
        filterset_class = cached_directory_filter(directory_version)
    filterset = filterset_class(params, now=now)
    version = cache_version(directory_version)
    notices = [
        message
        for name, errors in filterset.form.errors.items()
        if name != "near"  # the page says what went wrong with the place
        for message in errors
    ]
    number, page_notice = page_number(params.get("page"))
    if page_notice:
        notices.append(page_notice)
    if filterset.place_problem:
        # Nothing is searched until the place is one we can find.
        return SearchResults(
            filterset=filterset,
            answer=None,
            page=Page([], 1, Paginator((), PER_PAGE)),
            total=0,
            accepting_count=0,
            open_now_count=0,
            notices=notices,
            version=version,
        )

    if directory_version is None:
        answer = SqlSearch(filterset)
    else:
        answer = IndexSearch(directory_index(directory_version), filterset)
    total, accepting, confirmed, open_now, counts, rows = cached_page(
        answer, filterset, number, version
    )
    paginator = Paginator((), PER_PAGE)  # the page's rows are read above
    paginator.count = total
    cards = result_cards(
        rows, filterset.groups, version, filterset.now, answer.offered_by
    )
    return SearchResults(
        filterset=filterset,
        answer=answer,
        page=Page(cards, number, paginator),
        total=total,
        accepting_count=accepting,
        confirmed_count=confirmed,
        open_now_count=open_now,
        notices=notices,
        version=version,
        counts=counts,
    )
