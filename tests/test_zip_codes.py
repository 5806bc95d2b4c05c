"""The ZIP code data file: what `manage.py update_zip_codes` makes from the
installed zipcodes package, read by treatment/geo.py as zipcodes has it."""

import gzip
import io

import pytest
import zipcodes
from django.core.management import call_command

from treatment import geo
from treatment.geo import Problem, look_up_place, time_zone, zip_centroid
from treatment.management.commands import update_zip_codes

RUN_IT = (
    "treatment/zip_codes.tsv.gz is not what the installed zipcodes package "
    "gives: run `python manage.py update_zip_codes` and commit the file."
)


@pytest.fixture
def written_file(tmp_path, monkeypatch):
    path = tmp_path / "zip_codes.tsv.gz"
    monkeypatch.setattr(update_zip_codes, "ZIP_CODES_FILE", path)
    call_command("update_zip_codes", stdout=io.StringIO())
    return path


def test_the_committed_file_is_what_the_command_makes(written_file):
    committed = gzip.decompress(geo.ZIP_CODES_FILE.read_bytes())
    up_to_date = gzip.decompress(written_file.read_bytes()) == committed
    assert up_to_date, RUN_IT


def test_the_command_gives_the_same_bytes_every_time(written_file):
    first = written_file.read_bytes()
    call_command("update_zip_codes", stdout=io.StringIO())
    assert written_file.read_bytes() == first


def test_every_zip_code_is_placed_and_zoned_as_zipcodes_has_it():
    for row in zipcodes.list_all():
        zip_code, state = row["zip_code"], row["state"]
        latitude, longitude = float(row["lat"]), float(row["long"])
        if latitude == 0 and longitude == 0:
            assert look_up_place(zip_code).problem == Problem.ZIP_NOT_MAPPED
        else:
            place = zip_centroid(zip_code)
            assert place.label == f"{row['city']}, {state} {zip_code}"
            assert (place.latitude, place.longitude) == (latitude, longitude)
        if geo._is_zone(row["timezone"]):
            assert time_zone(state, zip_code) == row["timezone"], zip_code
