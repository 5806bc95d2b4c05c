"""A search from its GET parameters to everything its page shows."""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import Http404

from treatment.models import Provider
from treatment.search.caching import (
    SEARCH_CACHE_SECONDS,
    cache_version,
    cached_facet_counts,
    cached_page_rows,
)
from treatment.search.cards import result_cards
from treatment.search.facets import GroupFacet, Option
from treatment.search.params import (
    DirectoryFilter,
    cached_directory_filter,
    directory_filter,
    filter_groups,
    page_number,
)
from treatment.search.query import PER_PAGE


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


def search_directory(params):
    """Everything the search page shows for these GET parameters.

    Raises Http404 for a page number past the last page.
    """
    version = cache_version()
    if version is None:
        filterset_class = directory_filter(filter_groups())
    else:
        filterset_class = cached_directory_filter(version)
    filterset = filterset_class(params, queryset=Provider.objects.published())
    summary, counts = cached_facet_counts(filterset, version)
    notices = [
        message for errors in filterset.form.errors.values() for message in errors
    ]
    number, page_notice = page_number(params.get("page"))
    paginator = Paginator((), PER_PAGE)  # the page's rows are read below
    paginator.count = summary["total"]  # already counted with the facets
    if page_notice:
        notices.append(page_notice)
    if number > paginator.num_pages:
        raise Http404("There is no such page of results.")

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
