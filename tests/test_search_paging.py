"""Nearest first at any distance, every page is the same however it is read.

The first pages may be read through a 25- or 100-mile box; later ones not.
"""

import pytest

pytestmark = pytest.mark.django_db

PLACES = [  # name, city, state, ZIP: about 1, 35 and 360 miles from 21201
    ("Baltimore", "Baltimore", "MD", "21202"),
    ("Washington", "Washington", "DC", "20001"),
    ("Boston", "Boston", "MA", "02108"),
]


@pytest.mark.parametrize("how_many", [(20, 10, 10), (15, 10, 10), (25, 0, 10)])
def test_pages_near_and_far_follow_one_order(client, make_provider, how_many):
    expected = []
    for (name, city, state, zip_code), count in zip(PLACES, how_many, strict=True):
        for number in range(count):
            make_provider(
                name=f"{name} {number:02}", city=city, state=state, zip_code=zip_code
            )
            expected.append(f"{name} {number:02}")

    providers = []
    for number in (1, 2):
        params = {"near": "21201", "radius": "any", "page": number}
        providers += client.get("/treatment/", params).context["results"].page
    assert [p.name for p in providers] == expected
    distances = [p.distance for p in providers]
    assert distances == sorted(distances)
