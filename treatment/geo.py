"""Places and distances, resolved offline from the zipcodes package (GeoNames data)."""

import math
import re
from dataclasses import dataclass
from functools import cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

ZIP_PATTERN = re.compile(r"^\d{5}(?:-\d{4})?$")
CITY_STATE_PATTERN = re.compile(r"^(?P<city>[^,]+?)\s*,\s*(?P<state>[A-Za-z]{2})$")


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float


@cache
def _places():
    """ZIP and (city, state) lookups, built once per process; 0,0 rows skipped."""
    by_zip, city_points = {}, {}
    for row in zipcodes.list_all():
        latitude, longitude = float(row["lat"]), float(row["long"])
        if latitude == 0 and longitude == 0:
            continue
        label = f"{row['city']}, {row['state']}"
        by_zip[row["zip_code"]] = Place(
            f"{label} {row['zip_code']}", latitude, longitude
        )
        if row["zip_code_type"] == "STANDARD":
            key = (row["city"].lower(), row["state"])
            city_points.setdefault(key, (label, []))[1].append((latitude, longitude))
    by_city = {
        key: Place(
            label,
            sum(lat for lat, _ in points) / len(points),
            sum(lng for _, lng in points) / len(points),
        )
        for key, (label, points) in city_points.items()
    }
    return by_zip, by_city


def zip_centroid(zip_code):
    """The Place of a 5-digit ZIP code, or None."""
    return _places()[0].get((zip_code or "")[:5])


def resolve_place(text):
    """A Place for "21201" or "Baltimore, MD", or None when it is not known."""
    text = " ".join((text or "").split())
    if ZIP_PATTERN.match(text):
        return zip_centroid(text)
    match = CITY_STATE_PATTERN.match(text)
    if match:
        key = (match["city"].lower(), match["state"].upper())
        return _places()[1].get(key)
    return None


def bounding_box(latitude, longitude, miles):
    """(min_lat, max_lat, min_lng, max_lng) enclosing a circle of `miles`."""
    lat_delta = miles / MILES_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    lng_delta = min(miles / (MILES_PER_DEGREE_LATITUDE * cos_lat), 180.0)
    return (
        latitude - lat_delta,
        latitude + lat_delta,
        longitude - lng_delta,
        longitude + lng_delta,
    )
