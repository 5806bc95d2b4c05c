"""Keyword search: the words people type, each of which must match.

One rule for the directory's keyword box, the HSDS API's `search` parameter
and the facts pages' site search (where the database cannot rank).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10  # words past the tenth are ignored
PROVIDER_FIELDS = ("name", "city", "description")


def every_word(queryset, text, fields):
    """The rows where each word of `text` appears in at least one of `fields`,
    ignoring case."""
    for word in text.split()[:MAX_WORDS]:
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))
        )
    return queryset
