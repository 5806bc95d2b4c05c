"""Keyword search: the words people type, each of which must match, and the
words people use for treatment, read as the directory's services.

One rule for the directory's keyword box, the HSDS API's `search` parameter
and the facts pages' site search; one table of the words people use for the
directory (which turns them into filters) and the site search (which looks
for what they mean).
"""

import string
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

from treatment.models.quality import MEDICATIONS_FOR_OUD

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10  # words past the tenth are ignored
PROVIDER_FIELDS = ("name", "city", "description")


@dataclass(frozen=True)
class Meaning:
    services: tuple[str, ...]  # the directory's services, by slug
    terms: tuple[str, ...]  # what the site search looks for in a page's text


# The words people use, brand and common names included. In the directory's
# keyword box each becomes a filter choice; in the site search, its terms.
SYNONYMS = {
    word: meaning
    for words, meaning in [
        (
            ("methadone", "methadose", "dolophine"),
            Meaning(("methadone",), ("methadone",)),
        ),
        (
            (
                *("buprenorphine", "bupe", "suboxone", "subutex"),
                *("sublocade", "brixadi", "zubsolv"),
            ),
            Meaning(("buprenorphine",), ("buprenorphine",)),
        ),
        (
            ("naltrexone",),
            Meaning(("naltrexone", "naltrexone-injection"), ("naltrexone",)),
        ),
        (("vivitrol",), Meaning(("naltrexone-injection",), ("naltrexone",))),
        (
            ("naloxone", "narcan", "kloxxado", "zimhi"),
            Meaning(("naloxone",), ("naloxone",)),
        ),
        (
            ("rehab", "inpatient"),
            Meaning(
                ("residential", "hospital-inpatient"),
                ("rehab", "residential", "inpatient"),
            ),
        ),
        (("residential",), Meaning(("residential",), ("residential",))),
        (("outpatient",), Meaning(("outpatient",), ("outpatient",))),
        (("detox", "detoxification"), Meaning(("detox",), ("detox", "withdrawal"))),
        (
            ("mat", "moud"),
            Meaning(
                tuple(MEDICATIONS_FOR_OUD),
                (
                    "medications for opioid use disorder",
                    "medication for opioid use disorder",
                    "medication-assisted",
                ),
            ),
        ),
        (("telehealth", "telemedicine"), Meaning(("telehealth",), ("telehealth",))),
    ]
    for word in words
}


def meaning_of(word):
    """The Meaning of a word as typed ("Suboxone," included), or None."""
    return SYNONYMS.get(word.strip(string.punctuation).lower())


def search_terms(text):
    """For each word of `text`: the terms a text search looks for, any of
    which will do (the word itself, or what a known word means)."""
    terms = []
    for word in text.split()[:MAX_WORDS]:
        meaning = meaning_of(word)
        terms.append(meaning.terms if meaning else (word,))
    return terms


def every_word(queryset, text, fields):
    """The rows where each word of `text` appears in at least one of `fields`,
    ignoring case."""
    return every_term(queryset, [(word,) for word in text.split()[:MAX_WORDS]], fields)


def every_term(queryset, terms, fields):
    """The rows where, for each tuple of `terms`, one of its terms appears in
    at least one of `fields`, ignoring case."""
    for alternatives in terms:
        queryset = queryset.filter(
            reduce(
                or_,
                (
                    Q(**{f"{field}__icontains": term})
                    for term in alternatives
                    for field in fields
                ),
            )
        )
    return queryset
