import pytest
from django.core.exceptions import ValidationError

from portal.templatetags.phone import tel_href
from treatment.phones import is_placeholder, normalize_us_phone


@pytest.mark.parametrize(
    "written, uri",
    [
        ("(410) 555-0100", "tel:+14105550100"),
        ("410-555-0100", "tel:+14105550100"),
        ("1 (410) 555-0100", "tel:+14105550100"),
        ("+1 410.555.0100", "tel:+14105550100"),
        ("410-555-0100 x12", "tel:+14105550100"),
        ("410-555-0100 ext. 7", "tel:+14105550100"),
        ("988", "tel:988"),
    ],
)
def test_phone_numbers_become_valid_tel_links(written, uri):
    assert tel_href(written) == uri


@pytest.mark.parametrize(
    "typed",
    [
        "٤١٠-٥٥٥-٠١٢٣",  # Arabic-Indic digits
        "４１０-５５５-０１２３",  # full-width digits
        "410-555-0123\x1b",  # an escape character
        "410 555 0123 x12",
    ],
)
def test_a_visitor_number_is_ten_ascii_digits_and_nothing_else(typed):
    with pytest.raises(ValidationError):
        normalize_us_phone(typed)


@pytest.mark.parametrize(
    "written, placeholder",
    [
        ("(999) 999-9999", True),
        ("1-000-000-0000", True),
        ("555-0100", True),
        ("", True),
        ("(410) 555-0100 x12", False),
        ("1 410 555 0100", False),
    ],
)
def test_placeholder_numbers_in_files_are_recognised(written, placeholder):
    assert is_placeholder(written) is placeholder
