"""Nearest first, every page is the same however it is read.

A page whose providers all lie within a smaller distance than the one chosen is
read through that smaller box; other pages are not.
"""

import pytest

from tests.test_search import names

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(search_client):
    return search_client


PLACES = [  # name, city, state, ZIP, miles from 21201
    ("Baltimore", "Baltimore", "MD", "21202", 1),
    ("Washington", "Washington", "DC", "20001", 35),
    ("Boston", "Boston", "MA", "02108", 360),
]


@pytest.mark.parametrize("radius", ["any", "100"])
@pytest.mark.parametrize("how_many", [(20, 10, 10), (15, 10, 10), (25, 0, 10)])
def test_pages_near_and_far_follow_one_order(client, make_provider, how_many, radius):
    expected = []
    for (name, city, state, zip_code, miles), count in zip(
        PLACES, how_many, strict=True
    ):
        for number in range(count):
            make_provider(
                name=f"{name} {number:02}", city=city, state=state, zip_code=zip_code
            )
            if radius == "any" or miles <= int(radius):
                expected.append(f"{name} {number:02}")

    shown, distances = [], []
    for number in (1, 2):
        params = {"near": "21201", "radius": radius, "page": number}
        response = client.get("/treatment/", params)
        shown += names(response)
        distances += [card.distance for card in response.context["results"].page]
    assert shown == expected
    assert distances == sorted(distances)
