import pytest

from portal.templatetags.phone import tel_href


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
