"""Article bodies: Markdown to safe HTML, with phone numbers as tap-to-call links."""

import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from treatment.phones import tel_href

# What an article body may contain after rendering: text structure and links.
# No images or embeds (they would load from other sites), no scripts or styles.
ALLOWED_TAGS = {
    *("p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr", "br"),
    *("a", "strong", "em", "code", "pre"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}

# 911 and 988 on their own, and US numbers written as 1-800-662-4357,
# 800-222-1222, (410) 555-0100 or 1-800-662-HELP (letters as on a keypad).
PHONE_NUMBER = (
    r"(?<![\w/.-])(?:"
    r"911|988"
    r"|(?:1[-. ])?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ](?:\d{4}|[A-Z]{4})"
    r")(?![\w/-]|[.,]\w)"
)
KEYPAD = str.maketrans(
    {
        letter: str(digit)
        for digit, letters in enumerate(
            ["", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"]
        )
        for letter in letters
    }
)


class PhoneNumberLink(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # never a link inside a link

    def handleMatch(self, match, data):
        number = match.group(0)
        link = etree.Element("a", href=tel_href(number.translate(KEYPAD)))
        link.text = number
        return link, match.start(0), match.end(0)


class PhoneNumberExtension(Extension):
    """Turns the phone numbers people write in article text into tel: links."""

    def extendMarkdown(self, md):
        # Below the built-in patterns (code spans, links, emphasis), so numbers
        # inside code or link addresses stay as they are.
        md.inlinePatterns.register(PhoneNumberLink(PHONE_NUMBER, md), "phone", 5)


def render_markdown(text):
    """Markdown to HTML that is safe to show: anything not allowed is removed."""
    html = markdown.markdown(text, extensions=["sane_lists", PhoneNumberExtension()])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )
