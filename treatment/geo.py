"""Places and distances, resolved offline from the zipcodes package's data
(GeoNames), as copied into ZIP_CODES_FILE by `manage.py update_zip_codes`."""

import difflib
import gzip
import math
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZIP_CODES_FILE = Path(__file__).with_name("zip_codes.tsv.gz")
# The fields of the zipcodes package this module reads, the file's columns.
ZIP_CODE_COLUMNS = (
    "zip_code",
    "state",
    "city",
    "lat",
    "long",
    "timezone",
    "zip_code_type",
)
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

# The time zones of the ZIP codes of US_STATES in the zipcodes package (a
# test holds this to it): the zones a provider can be in.
US_TIME_ZONES = (
    "America/Adak",
    "America/Anchorage",
    "America/Boise",
    "America/Chicago",
    "America/Denver",
    "America/Detroit",
    "America/Indiana/Indianapolis",
    "America/Indiana/Knox",
    "America/Indiana/Marengo",
    "America/Indiana/Petersburg",
    "America/Indiana/Tell_City",
    "America/Indiana/Vevay",
    "America/Indiana/Vincennes",
    "America/Indiana/Winamac",
    "America/Juneau",
    "America/Kentucky/Louisville",
    "America/Kentucky/Monticello",
    "America/Los_Angeles",
    "America/Menominee",
    "America/Metlakatla",
    "America/New_York",
    "America/Nome",
    "America/North_Dakota/Beulah",
    "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem",
    "America/Phoenix",
    "America/Puerto_Rico",
    "America/Sitka",
    "America/St_Thomas",
    "America/Yakutat",
    "Pacific/Guam",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
    "Pacific/Saipan",
)

# Place names are compared by a key: ASCII, lower case, punctuation gone and
# "St."/"Ft."/"Mt." spelled out, so that "ST. LOUIS" and "Saint Louis" meet.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
ZIP_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?:-?\d{4})?(?!\d)")
ONLY_DIGITS = re.compile(r"[\d\s-]+")
COORDINATES = re.compile(r"(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)")
# Words around a place that are not part of it: "near Baltimore", "Baltimore
# area", "city of Baltimore", "Baltimore, MD, USA".
COUNTRY_WORDS = ("usa", "us", "america", "united states", "united states of america")
LEADING_WORDS = {"near", "in", "around", "at", "by", "the", "city", "of", "zip", "code"}
TRAILING_WORDS = {"area", "city", "county", "town", "zip", "code"}
# What people type when they mean "where I am", which only a device can tell.
HERE = {"me", "here", "nearby", "my location", "current location", "my area"}
# A city name alone is taken as the largest place of that name when it has at
# least this many times the ZIP codes of the next largest (Baltimore, MD over
# Baltimore, OH), and offered as choices otherwise (Springfield, IL / MA / MO).
CLEAR_LEAD = 5
MAX_CHOICES = 8
# A device's position is rounded to 0.01 degrees (about 1 km) before use.
DEVICE_DECIMALS = 2


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    from_device: bool = False  # "use my location": the label names the nearest town


class Problem(StrEnum):
    """Why a place box's text gave no place; the form words the message."""

    NO_SUCH_ZIP = "no-such-zip"
    ZIP_NOT_MAPPED = "zip-not-mapped"  # a ZIP without a map point (military mail)
    NOT_A_ZIP = "not-a-zip"  # digits, but not five of them
    HERE = "here"  # "near me": only the device knows where that is
    STATE_ONLY = "state-only"
    UNKNOWN_CITY = "unknown-city"
    AMBIGUOUS = "ambiguous"
    NOT_A_PLACE = "not-a-place"


@dataclass(frozen=True)
class PlaceLookup:
    """What the place box's text was understood as.

    `place` is searched; `choices` are other places the visitor may have meant
    (largest first): instead of a place when there is none, or besides it when
    a city name alone was taken as the largest place of that name.
    """

    text: str
    place: Place | None = None
    choices: tuple[Place, ...] = ()
    problem: Problem | None = None
    city: str = ""  # the city's name: as typed when not found
    state: str = ""  # the two-letter code of the state understood, if any
    zip_code: str = ""  # a ZIP code that gave no place

    @property
    def state_name(self):
        return US_STATES.get(self.state, "")


@dataclass(frozen=True)
class City:
    place: Place
    zip_count: int  # the proxy for size: zipcodes has no population


@dataclass(frozen=True)
class Gazetteer:
    """Every web worker holds one, so it keeps numbers in arrays and each
    "City, ST" once, and makes a Place only when one is asked for."""

    labels: tuple  # each "City, ST" once
    zip_rows: array  # {ZIP code as a number: its row}, -1 where there is none
    latitudes: array  # of each row; 0,0 where zipcodes has no map point
    longitudes: array
    towns: array  # of each row, its index in labels
    by_name: dict  # {name key: (city index, ...)}, largest first
    city_states: tuple  # of each city
    city_labels: array  # of each city, its index in labels
    city_latitudes: array  # of each city: the mean of its ZIP codes' points
    city_longitudes: array
    city_zip_counts: array
    state_zones: dict  # {state: the time zone most of its ZIP codes have}
    other_zones: dict  # {row: (state, zone)} where not its state's main zone

    def zip_place(self, row, zip_code):
        """The Place of a row, or None for a ZIP code without a map point."""
        latitude, longitude = self.latitudes[row], self.longitudes[row]
        if latitude == 0 and longitude == 0:
            return None
        return Place(f"{self.labels[self.towns[row]]} {zip_code}", latitude, longitude)

    def city(self, index):
        """(state, City)."""
        place = Place(
            self.labels[self.city_labels[index]],
            self.city_latitudes[index],
            self.city_longitudes[index],
        )
        return self.city_states[index], City(place, self.city_zip_counts[index])


def name_key(text):
    """The words of a place name, compared: "St. Louis" -> ("saint", "louis")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower()
    text = re.sub(r"(?<![a-z])([a-z])\.", r"\1", text)  # "D.C." -> "dc"
    text = re.sub(r"\bmc\s+(?=[a-z])", "mc", text)  # "Mc Lean" -> "mclean"
    words = re.findall(r"[a-z0-9]+", text)
    return tuple(ABBREVIATIONS.get(word, word) for word in words)


@cache
def _gazetteer():
    """The lookups, built once per process from ZIP_CODES_FILE; 0,0 rows are
    kept, so that their ZIP codes are known but never placed at 0,0. What is
    gathered on the way is rows (numbers), not strings or points: a worker's
    peak memory counts it."""
    zip_rows = array("i", [-1]) * 100_000
    latitudes, longitudes, towns = array("d"), array("d"), array("I")
    standard = bytearray()  # of each row: a STANDARD ZIP code, not PO boxes
    labels = {}  # {"City, ST": its index}
    keys = {}  # each city's name key, worked out once
    zones = {}  # {state: {zone: [rows]}}
    city_rows = {}  # {(name key, state): [rows]}
    for row, (zip_code, state, city, lat, lng, zone, kind) in enumerate(
        _zip_code_rows()
    ):
        state = sys.intern(state)
        zip_rows[int(zip_code)] = row
        if _is_zone(zone):
            zones.setdefault(state, {}).setdefault(zone, []).append(row)
        latitude, longitude = float(lat), float(lng)
        latitudes.append(latitude)
        longitudes.append(longitude)
        towns.append(labels.setdefault(f"{city}, {state}", len(labels)))
        standard.append(kind == "STANDARD")
        if (latitude == 0 and longitude == 0) or state not in US_STATES:
            continue  # military mail and freely associated states: ZIP only
        if city not in keys:
            keys[city] = " ".join(name_key(city))
        city_rows.setdefault((keys[city], state), []).append(row)
    by_name, city_states, city_labels = {}, [], array("I")
    city_latitudes, city_longitudes = array("d"), array("d")
    city_zip_counts = array("I")
    for (name, state), rows in city_rows.items():
        # A town of post office boxes only has those.
        spots = [row for row in rows if standard[row]] or rows
        by_name.setdefault(name, []).append(len(city_states))
        city_states.append(state)
        city_labels.append(towns[rows[0]])  # as its first ZIP code spells it
        city_latitudes.append(sum(latitudes[row] for row in spots) / len(spots))
        city_longitudes.append(sum(longitudes[row] for row in spots) / len(spots))
        city_zip_counts.append(len(rows))
    for name, cities in by_name.items():
        by_name[name] = tuple(sorted(cities, key=lambda city: -city_zip_counts[city]))
    state_zones, other_zones = {}, {}
    for state, rows_by_zone in zones.items():
        main = max(rows_by_zone, key=lambda zone: len(rows_by_zone[zone]))
        state_zones[state] = main
        for zone, rows in rows_by_zone.items():
            if zone != main:
                other_zones.update(dict.fromkeys(rows, (state, zone)))
    return Gazetteer(
        tuple(labels),
        zip_rows,
        latitudes,
        longitudes,
        towns,
        by_name,
        tuple(city_states),
        city_labels,
        city_latitudes,
        city_longitudes,
        city_zip_counts,
        state_zones,
        other_zones,
    )


def _zip_code_rows():
    """ZIP_CODES_FILE's rows, each a list in ZIP_CODE_COLUMNS' order."""
    with gzip.open(ZIP_CODES_FILE, "rt", encoding="utf-8") as lines:
        next(lines)  # the header
        for line in lines:
            yield line.rstrip("\n").split("\t")


@cache
def _is_zone(name):
    """Whether zipcodes' time zone name is one the system knows ("" and a
    few misspelt rows are not)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _state_keys():
    """{name key of a state's name or code: its code}."""
    keys = {}
    for code, name in US_STATES.items():
        keys[(code.lower(),)] = code
        keys[name_key(name)] = code
    keys[name_key("Virgin Islands")] = "VI"
    return keys


def zip_centroid(zip_code):
    """The Place of a 5-digit ZIP code, or None."""
    row = _zip_row(zip_code)
    return None if row is None else _gazetteer().zip_place(row, zip_code[:5])


def _zip_row(zip_code):
    """The gazetteer's row of a ZIP code (its first five characters), or None."""
    digits = (zip_code or "")[:5]
    if len(digits) != 5 or not (digits.isascii() and digits.isdigit()):
        return None
    row = _gazetteer().zip_rows[int(digits)]
    return None if row < 0 else row


def time_zone(state, zip_code):
    """The IANA time zone of a place in `state` with this ZIP code, or "".

    Most states lie in one zone. In those with two or more (TN, KY, IN, FL,
    TX, ND, SD, NE, KS, OR, ID, MI, AK and AZ, where the Navajo Nation keeps
    daylight saving time) the ZIP code's own zone is used, from the zipcodes
    package's record of it; when the ZIP code is unknown, has no zone, or is
    in another state, the zone most of the state's ZIP codes are in (Central
    for Tennessee and Texas, Eastern for Kentucky and Florida...).
    Kept small: only the ZIP codes outside their state's main zone are
    remembered."""
    gazetteer = _gazetteer()
    other = gazetteer.other_zones.get(_zip_row(zip_code))
    if other and other[0] == state:
        return other[1]
    return gazetteer.state_zones.get(state, "")


def resolve_place(text):
    """A Place for what the place box says, or None when that is not one place."""
    return look_up_place(text).place


def look_up_place(text):
    """A PlaceLookup for a ZIP code (ZIP+4, or within other words), "City, ST"
    in any case and spelling of the state, a city alone, or a device's
    "latitude,longitude"."""
    text = " ".join((text or "").split())
    coordinates = COORDINATES.fullmatch(text)
    if coordinates:
        return _device_place(text, *map(float, coordinates.groups()))
    zip_match = ZIP_IN_TEXT.search(text)
    if zip_match:
        return _zip_place(text, zip_match[1])
    if ONLY_DIGITS.fullmatch(text):
        return PlaceLookup(text, problem=Problem.NOT_A_ZIP)
    words = _without_country(name_key(text))
    if not words:
        return PlaceLookup(text, problem=Problem.NOT_A_PLACE)
    # "near me" asks for the device's position; "ME" alone is Maine.
    if " ".join(_trimmed(words)) in HERE and words != ("me",):
        return PlaceLookup(text, problem=Problem.HERE)
    state, city_words = _split_state(words)
    if state == "DC" and not _trimmed(city_words):
        city_words = ("washington",)  # the District is its city
    if not _trimmed(city_words):
        # A state alone, or a city named like one ("Washington", "New York").
        return PlaceLookup(
            text,
            choices=_choices(_cities(" ".join(words))),
            problem=Problem.STATE_ONLY,
            state=state,
        )
    return _city_place(text, city_words, state)


def _device_place(text, latitude, longitude):
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return PlaceLookup(text, problem=Problem.NOT_A_PLACE)
    latitude = round(latitude, DEVICE_DECIMALS)
    longitude = round(longitude, DEVICE_DECIMALS)
    nearest = nearest_town(latitude, longitude)
    return PlaceLookup(
        text, place=Place(nearest or "", latitude, longitude, from_device=True)
    )


def _zip_place(text, zip_code):
    place = zip_centroid(zip_code)
    if place is not None:
        return PlaceLookup(text, place=place)
    problem = (
        Problem.NO_SUCH_ZIP if _zip_row(zip_code) is None else Problem.ZIP_NOT_MAPPED
    )
    return PlaceLookup(text, problem=problem, zip_code=zip_code)


def _without_country(words):
    for country in COUNTRY_WORDS:
        size = len(country.split())
        if len(words) > size and " ".join(words[-size:]) == country:
            return words[:-size]
    return words


def _trimmed(words):
    """The words less those around a place name ("near", "area", ...)."""
    start, end = 0, len(words)
    while start < end and words[start] in LEADING_WORDS:
        start += 1
    while end > start and words[end - 1] in TRAILING_WORDS:
        end -= 1
    return words[start:end]


def _split_state(words):
    """(state code or "", the words before it): the longest ending of the
    words that names a state ("west virginia" before "virginia")."""
    states = _state_keys()
    for size in (4, 3, 2, 1):
        if len(words) >= size and tuple(words[-size:]) in states:
            return states[tuple(words[-size:])], words[:-size]
    return "", words


def _cities(name):
    """[(state, City)] called `name` (a name key joined by spaces), largest first."""
    gazetteer = _gazetteer()
    return [gazetteer.city(index) for index in gazetteer.by_name.get(name, ())]


def _choices(cities):
    return tuple(city.place for _, city in cities[:MAX_CHOICES])


def _city_place(text, city_words, state):
    """The lookup of a city, in a state when one was given."""
    as_typed = _city_as_typed(text, city_words, state)
    for words in (city_words, _trimmed(city_words)):
        cities = _cities(" ".join(words))
        if state:
            cities = [pair for pair in cities if pair[0] == state]
        if len(cities) == 1 or (
            len(cities) > 1
            and cities[0][1].zip_count >= CLEAR_LEAD * cities[1][1].zip_count
        ):
            place = cities[0][1].place
            return PlaceLookup(
                text,
                place=place,
                choices=_choices(cities[1:]),
                city=place.label.rsplit(", ", 1)[0],
            )
        if cities:
            return PlaceLookup(
                text,
                choices=_choices(cities),
                problem=Problem.AMBIGUOUS,
                city=as_typed,
            )
    # Nowhere of that name (in that state): the same name in other states,
    # else names spelled nearly the same.
    name = " ".join(_trimmed(city_words) or city_words)
    elsewhere = _cities(name) if state else []
    return PlaceLookup(
        text,
        choices=_choices(elsewhere or _similar(name, state)),
        problem=Problem.UNKNOWN_CITY,
        city=as_typed,
        state=state,
    )


def _city_as_typed(text, city_words, state):
    """The visitor's own spelling of the city part, for messages: all of the
    text unless a state was read from its end."""
    if not state:
        return text[:60]
    before_state = (
        text.rsplit(",", 1)[0]
        if "," in text
        else " ".join(text.split()[: len(city_words)])
    )
    return before_state.strip()[:60]


def _similar(name, state):
    """[(state, City)] whose names are spelled nearly like `name`, largest
    first; only names with the same first letter are compared, for speed."""
    names = _names_by_letter().get(name[:1], [])
    close = difflib.get_close_matches(name, names, n=MAX_CHOICES, cutoff=0.8)
    cities = [
        pair
        for close_name in close
        for pair in _cities(close_name)
        if not state or pair[0] == state
    ]
    return sorted(cities, key=lambda pair: -pair[1].zip_count)


@cache
def _names_by_letter():
    names = {}
    for name in _gazetteer().by_name:
        names.setdefault(name[:1], []).append(name)
    return names


@cache
def _zip_grid():
    """The rows of ZIP code points by whole degree of latitude and longitude."""
    gazetteer = _gazetteer()
    grid = {}
    for row, point in enumerate(
        zip(gazetteer.latitudes, gazetteer.longitudes, strict=True)
    ):
        if point != (0, 0):
            cell = (math.floor(point[0]), math.floor(point[1]))
            grid.setdefault(cell, array("I")).append(row)
    return grid


def nearest_town(latitude, longitude):
    """ "City, ST" of the ZIP code point nearest this one (within about a
    degree), or None, as in the middle of the sea."""
    gazetteer, grid = _gazetteer(), _zip_grid()
    row, column = math.floor(latitude), math.floor(longitude)
    nearby = [
        zip_row
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        for zip_row in grid.get((row + dy, column + dx), ())
    ]
    if not nearby:
        return None
    cos_lat = math.cos(math.radians(latitude))
    nearest = min(
        nearby,
        key=lambda zip_row: (
            (gazetteer.latitudes[zip_row] - latitude) ** 2
            + ((gazetteer.longitudes[zip_row] - longitude) * cos_lat) ** 2
        ),
    )
    return gazetteer.labels[gazetteer.towns[nearest]]


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
