"""Phone numbers written in an article become tap-to-call links (issue 13, point 2)."""

import pytest

from facts.rendering import render_markdown


@pytest.mark.parametrize(
    "text, link",
    [
        ("Call 911 now.", '<a href="tel:911">911</a>'),
        ("Call or text 988.", '<a href="tel:988">988</a>'),
        ("(988) is the lifeline.", '(<a href="tel:988">988</a>)'),
        (
            "Call 1-800-662-4357, free.",
            '<a href="tel:+18006624357">1-800-662-4357</a>',
        ),
        (
            "Poison Help: 800-222-1222.",
            '<a href="tel:+18002221222">800-222-1222</a>',
        ),
        ("Call (410) 555-0100.", '<a href="tel:+14105550100">(410) 555-0100</a>'),
        ("Call 1 888 555 0100.", '<a href="tel:+18885550100">1 888 555 0100</a>'),
        (
            "Call 1-800-662-HELP (4357).",
            '<a href="tel:+18006624357">1-800-662-HELP</a> (4357)',
        ),
        (
            "**Call 911** first.",
            '<strong>Call <a href="tel:911">911</a></strong> first.',
        ),
        ("- call 911\n- stay", '<li>call <a href="tel:911">911</a></li>'),
        ("## Call 911 now", '<h2>Call <a href="tel:911">911</a> now</h2>'),
    ],
)
def test_phone_numbers_in_text_become_tel_links(text, link):
    assert link in render_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "In 1988 and 2911 nothing happened; 9110 and 19880 are not numbers either.",
        "Visit 988lifeline.org or https://988lifeline.org/chat/ for chat.",
        "See [the page](/help/911/) or <https://example.gov/911>.",
        "Code `1-800-662-4357` stays as written.",
        "A ZIP+4 like 21201-0911, a date like 2024-09-11, a count of 911,000.",
        "Version 3.911 and 555-0100 (no area code).",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert "tel:" not in render_markdown(text)


def test_a_number_inside_link_text_is_not_a_second_link():
    html = render_markdown("[Call 988 or chat](https://988lifeline.org/)")
    assert html == '<p><a href="https://988lifeline.org/">Call 988 or chat</a></p>'


def test_hand_written_tel_links_still_work():
    html = render_markdown("[the helpline](tel:+18006624357)")
    assert html == '<p><a href="tel:+18006624357">the helpline</a></p>'
