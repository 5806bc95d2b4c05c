"""The place box: what people type, resolved offline from the zipcodes package.

One table of place strings with the outcome a visitor should see: the place
searched, or why there is none and which places they may have meant.
"""

import pytest

from treatment.geo import Problem, look_up_place

pytestmark = pytest.mark.django_db

PLACES = [
    # (typed, the place searched or the problem, the first choices offered)
    ("21201", "Baltimore, MD 21201", []),
    ("  21201 ", "Baltimore, MD 21201", []),
    ("21201-1234", "Baltimore, MD 21201", []),
    ("212011234", "Baltimore, MD 21201", []),
    ("Baltimore, MD 21201", "Baltimore, MD 21201", []),
    ("zip code 21201", "Baltimore, MD 21201", []),
    ("02108", "Boston, MA 02108", []),
    ("Baltimore, MD", "Baltimore, MD", []),
    ("Baltimore MD", "Baltimore, MD", []),
    ("baltimore md", "Baltimore, MD", []),
    ("BALTIMORE, md", "Baltimore, MD", []),
    ("Baltimore, Maryland", "Baltimore, MD", []),
    ("baltimore maryland", "Baltimore, MD", []),
    ("Baltimore, MD, USA", "Baltimore, MD", []),
    ("near Baltimore, MD", "Baltimore, MD", []),
    ("Baltimore (MD)", "Baltimore, MD", []),
    ("Baltimore; MD.", "Baltimore, MD", []),
    ("Baltimore/MD", "Baltimore, MD", []),
    ("city of Baltimore", "Baltimore, MD", ["Baltimore, OH"]),
    ("baltimore", "Baltimore, MD", ["Baltimore, OH"]),
    ("Baltimore City", "Baltimore, MD", ["Baltimore, OH"]),
    ("St. Louis, MO", "Saint Louis, MO", []),
    ("st louis mo", "Saint Louis, MO", []),
    ("Saint Louis, Missouri", "Saint Louis, MO", []),
    ("St. Louis", "Saint Louis, MO", ["Saint Louis, MI", "Saint Louis, OK"]),
    ("Ft. Worth, TX", "Fort Worth, TX", []),
    ("Ft Lauderdale FL", "Fort Lauderdale, FL", []),
    ("Mt. Pleasant, SC", "Mount Pleasant, SC", []),
    ("Mount Pleasant SC", "Mount Pleasant, SC", []),
    ("Ft. Mitchell, KY", "Ft Mitchell, KY", []),
    ("Coeur d'Alene, ID", "Coeur D Alene, ID", []),
    ("McLean, VA", "Mc Lean, VA", []),
    ("Winston-Salem, NC", "Winston Salem, NC", []),
    ("San Juan, Puerto Rico", "San Juan, PR", []),
    ("Washington DC", "Washington, DC", []),
    ("Washington, D.C.", "Washington, DC", []),
    ("District of Columbia", "Washington, DC", []),
    ("New York, NY", "New York, NY", []),
    ("new york new york", "New York, NY", []),
    ("Kansas City, Kansas", "Kansas City, KS", []),
    ("Kansas City", "Kansas City, MO", ["Kansas City, KS"]),
    ("Charleston, West Virginia", "Charleston, WV", []),
    ("Towson", "Towson, MD", []),
    ("Houston", "Houston, TX", ["Houston, PA"]),
    ("Springfield, IL", "Springfield, IL", []),
    ("springfield illinois", "Springfield, IL", []),
    ("Springfield", Problem.AMBIGUOUS, ["Springfield, IL", "Springfield, MA"]),
    ("Columbus", Problem.AMBIGUOUS, ["Columbus, OH", "Columbus, GA"]),
    ("Springfield, CA", Problem.UNKNOWN_CITY, ["Springfield, IL"]),
    ("Baltimre, MD", Problem.UNKNOWN_CITY, ["Baltimore, MD"]),
    ("Baltimre", Problem.UNKNOWN_CITY, ["Baltimore, MD", "Baltimore, OH"]),
    ("Atlantis, ZZ", Problem.UNKNOWN_CITY, []),
    ("Maryland", Problem.STATE_ONLY, ["Maryland, NY"]),
    ("MD", Problem.STATE_ONLY, []),
    ("Washington", Problem.STATE_ONLY, ["Washington, DC"]),
    ("99999", Problem.NO_SUCH_ZIP, []),
    ("00000", Problem.NO_SUCH_ZIP, []),
    ("09001", Problem.ZIP_NOT_MAPPED, []),
    ("2120", Problem.NOT_A_ZIP, []),
    ("212", Problem.NOT_A_ZIP, []),
    ("near me", Problem.HERE, []),
    ("ME", Problem.STATE_ONLY, []),
    ("!!!", Problem.NOT_A_PLACE, []),
    ("39.2904,-76.6122", "Baltimore, MD", []),
    ("91,-76", Problem.NOT_A_PLACE, []),
]


@pytest.mark.parametrize("typed, outcome, choices", PLACES)
def test_place_box_understands_what_people_type(typed, outcome, choices):
    lookup = look_up_place(typed)
    if isinstance(outcome, Problem):
        assert lookup.place is None
        assert lookup.problem == outcome
    else:
        assert lookup.problem is None
        assert lookup.place.label == outcome
    assert [place.label for place in lookup.choices][: len(choices)] == choices


def test_the_table_covers_at_least_forty_strings():
    assert len(PLACES) >= 40


def test_a_device_position_is_rounded_to_about_a_kilometre():
    place = look_up_place("39.290385,-76.612189").place
    assert (place.latitude, place.longitude) == (39.29, -76.61)
    assert place.from_device


def test_ambiguous_choices_are_largest_first_by_number_of_zip_codes():
    labels = [place.label for place in look_up_place("Springfield").choices]
    assert labels[:3] == ["Springfield, IL", "Springfield, MA", "Springfield, MO"]
    assert len(labels) == 8
