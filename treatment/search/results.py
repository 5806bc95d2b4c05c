"""A search from its GET parameters to everything its page shows."""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator

from treatment.models import Provider
from treatment.search.caching import (
    SEARCH_CACHE_SECONDS,
    cache_version,
    cached_facet_counts,
    cached_page_rows,
    cached_relaxed_totals,
)
from treatment.search.cards import result_cards
from treatment.search.facets import GroupFacet, Option
from treatment.search.links import chips, clear_all_query, search_query
from treatment.search.params import (
    DirectoryFilter,
    cached_directory_filter,
    directory_filter,
    filter_groups,
    page_number,
)
from treatment.search.query import PER_PAGE


class PastLastPage(Exception):
    """A page number past the last page of results."""

    def __init__(self, last_page):
        super().__init__(f"The last page of results is {last_page}.")
        self.last_page = last_page


@dataclass
class SearchResults:
    filterset: DirectoryFilter
    page: object
    total: int
    accepting_count: int
    counts: dict  # {service id: providers}
    notices: list
    version: str | None  # the directory's, which keys the page's cached parts

    @cached_property
    def facets(self):
        """The filter options with their counts, read only when the cached
        filter panel is not found."""
        chosen = self.filterset.cleaned
        return [
            GroupFacet(
                group,
                [
                    Option(
                        service.slug,
                        service.name,
                        self.counts.get(service.pk, 0),
                        service.slug in chosen.get(group.key, []),
                    )
                    for service in group.services
                ],
            )
            for group in self.filterset.groups
        ]

    @property
    def cache_seconds(self):
        """How long cached parts may be kept: not at all without a version."""
        return SEARCH_CACHE_SECONDS if self.version else 0

    @property
    def place_problem(self):
        """The PlaceLookup of a place box whose text gave no place to search."""
        return self.filterset.place_problem

    @cached_property
    def chips(self):
        """[Chip]: the choices made, each a link to the search without it."""
        return chips(self.filterset)

    @property
    def clear_all_query(self):
        return clear_all_query(self.filterset)

    @property
    def query(self):
        """This search's URL query: its valid choices, rewritten, no page."""
        return search_query(self.filterset).urlencode()

    @cached_property
    def relaxed_totals(self):
        """For a search with no results, what would give some (see
        facets.relaxed_totals); read only when the page shows them."""
        if self.total or self.place_problem:
            return [], []
        return cached_relaxed_totals(self.filterset, self.version)

    @property
    def wider_totals(self):
        """[(radius choice, total)] at each distance wider than the chosen
        one, ending with ("any", total)."""
        return self.relaxed_totals[0]

    @property
    def totals_without(self):
        """[(parameter, value, label, total)]: for each choice made, the total
        were that one choice undone."""
        return self.relaxed_totals[1]

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


def search_directory(params):
    """Everything the search page shows for these GET parameters.

    Raises PastLastPage for a page number past the last page.
    """
    version = cache_version()
    if version is None:
        filterset_class = directory_filter(filter_groups())
    else:
        filterset_class = cached_directory_filter(version)
    filterset = filterset_class(params, queryset=Provider.objects.published())
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
            page=Page([], 1, Paginator((), PER_PAGE)),
            total=0,
            accepting_count=0,
            counts={},
            notices=notices,
            version=version,
        )

    summary, counts = cached_facet_counts(filterset, version)
    paginator = Paginator((), PER_PAGE)  # the page's rows are read below
    paginator.count = summary["total"]  # already counted with the facets
    if number > paginator.num_pages:
        raise PastLastPage(paginator.num_pages)

    rows = cached_page_rows(filterset, summary, number, version)
    cards = result_cards(rows, filterset.groups, version)
    return SearchResults(
        filterset=filterset,
        page=Page(cards, number, paginator),
        total=summary["total"],
        accepting_count=summary["accepting"],
        counts=counts,
        notices=notices,
        version=version,
    )
