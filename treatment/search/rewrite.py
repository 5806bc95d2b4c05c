"""A search's GET parameters as the directory reads them: the words people use
turned into its own filters before the filterset sees them.

- Empty values are dropped: a form's "any" choice sends `care=`.
- `help`, the home page's "What kind of help?", names a word of the synonyms
  table ("naltrexone", "rehab") or a service ("residential"), and becomes
  that service's filter choice.
- The keyword box's known words ("suboxone", "rehab", "MAT") become filter
  choices, which the page shows as chips, with a note of how each was read.
- A ZIP code in the keyword box is the place, when the place box is empty.
"""

import re
from dataclasses import dataclass, field

from django.http import QueryDict

from treatment.search.keywords import meaning_of

ZIP_CODE = re.compile(r"\d{5}(?:-\d{4})?")


@dataclass
class Rewritten:
    params: QueryDict
    read_as: list = field(default_factory=list)  # [(word as typed, [Service])]
    zip_from_keywords: str = ""
    unknown_help: list = field(default_factory=list)  # `help` values not known


def rewrite(params, groups):
    """The Rewritten parameters for the filter groups of the taxonomy."""
    data = QueryDict(mutable=True)
    for key, values in params.lists() if params is not None else []:
        kept = [value for value in values if value.strip()]
        if kept:
            data.setlist(key, kept)
    rewritten = Rewritten(data)
    services = {
        service.slug: (group.key, service)
        for group in groups
        for service in group.services
    }

    def choose(slugs):
        """Add these services to their groups' choices; the services added."""
        chosen = [services[slug] for slug in slugs if slug in services]
        for key, service in chosen:
            if service.slug not in data.getlist(key):
                data.appendlist(key, service.slug)
        return [service for _, service in chosen]

    for value in data.pop("help", []):
        meaning = meaning_of(value)
        if meaning:
            choose(meaning.services)
        elif value in services:
            choose([value])
        else:
            rewritten.unknown_help.append(value[:60])

    keywords = []
    for word in data.get("q", "").split():
        meaning = meaning_of(word)
        if meaning:
            rewritten.read_as.append((word, choose(meaning.services)))
        elif ZIP_CODE.fullmatch(word) and not data.get("near"):
            data["near"] = rewritten.zip_from_keywords = word
        else:
            keywords.append(word)
    if keywords:
        data["q"] = " ".join(keywords)
    else:
        data.pop("q", None)
    return rewritten
