"""Directory search, part of the directory's core: a visitor's GET parameters
in, the page's results, counts and notices out.

Read in this order:
- params: the form and filter groups that read a search from its parameters;
- keywords: the word-by-word match of the keyword box, and the table of the
  words people use for treatment (both shared with facts);
- rewrite: those words, and the home page's "What kind of help?", read as
  filter choices before the filters see the parameters;
- query: the SQL for distance, the box around a circle and services;
- facets: how many results each filter option would give;
- caching: what is kept under the directory's version;
- cards: each provider's result card, rendered once per version;
- links: the choices made, each removable; the search's clean URL; a
  visitor's own search carried to another page;
- results: search_directory(), which puts them together.

Imports only the core (models, geo): nothing from the inquiries or
interchange wings, facts or portal.
"""

from treatment.search.params import TELEHEALTH
from treatment.search.results import PastLastPage, SearchResults, search_directory

__all__ = ["TELEHEALTH", "PastLastPage", "SearchResults", "search_directory"]
