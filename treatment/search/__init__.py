"""Directory search, part of the directory's core: a visitor's GET parameters
in, the page's results, counts and notices out.

Read in this order:
- params: the form and filter groups that read a search from its parameters;
- keywords: the word-by-word match of the keyword box, and the table of the
  words people use for treatment (both shared with facts);
- rewrite: those words, and the home page's "What kind of help?", read as
  filter choices before the filters see the parameters;
- query: the SQL for distance, the box around a circle and services;
- sql_search: a search answered by counting rows in SQL, the plain path and
  the reference the index is tested against;
- index: each process's compact index of the published directory (arrays
  and a bitmap per service), kept up to date with the directory; its
  docstring says how to add a filter that depends on the time of day;
- index_search: a search answered from the index, the same answers faster;
- facets: the filter options with their counts, and the panel's stencil;
- caching: what is cached (cards, pages) and the keys' versions;
- cards: each provider's result card, written in Python (its badges and
  freshness line from treatment.listing_status) and made once per version;
- links: the choices made, each removable; the search's clean URL; a
  visitor's own search carried to another page;
- results: search_directory(), which puts them together: the index once the
  directory has a version, the plain SQL path before.

Imports only the core (models, geo): nothing from the inquiries or
interchange wings, facts or portal.
"""

from treatment.search.params import TELEHEALTH
from treatment.search.query import PastLastPage
from treatment.search.results import SearchResults, search_directory

__all__ = ["TELEHEALTH", "PastLastPage", "SearchResults", "search_directory"]
