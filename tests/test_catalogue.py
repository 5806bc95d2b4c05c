"""The Spanish catalogue is complete and covers every visitor string (issue 17,
point 2), and the compiled catalogue committed beside it is up to date.

- Every message of locale/es/LC_MESSAGES/django.po is translated, none fuzzy.
- `makemessages`, run in a copy of the project, finds no message that the
  committed catalogue lacks, and none it holds that the code no longer has.
- No template shows text outside {% translate %} / {% blocktranslate %}: each
  template's text nodes and visible attributes, less template tags, are read
  with an HTML parser (see visible_text).
- django.mo is what msgfmt makes of django.po (it is committed, so that
  `make run` works without gettext; see README, "Spanish").

The last two need GNU gettext (`apt-get install -y gettext`); without it they
skip with a message, except in CI, where they fail.
"""

import os
import re
import shutil
import string
import subprocess
import sys
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
TEMPLATES = ROOT / "templates"
# Staff pages and emails to staff and providers stay in English.
ENGLISH_ONLY = ("admin/", "treatment/email/")
MAKEMESSAGES_IGNORE = ["tests", "staticfiles", "test-artifacts", "*.egg-info"]


def po_entries(text):
    """[(flags, msgctxt, msgid, [msgstr...])] of a .po file, header included,
    obsolete (#~) entries left out."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = {
            flag.strip()
            for line in lines
            if line.startswith("#,")
            for flag in line[2:].split(",")
        }
        fields, current = {}, None
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            match = re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line
            )
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            else:
                fields[current] += re.fullmatch(r'"(.*)"', line).group(1)
        if "msgid" in fields:
            translations = [
                value for key, value in fields.items() if key.startswith("msgstr")
            ]
            entries.append(
                (flags, fields.get("msgctxt"), fields["msgid"], translations)
            )
    return entries


def messages(po_text):
    """{(msgctxt, msgid)} of a catalogue, less its header."""
    return {(ctxt, msgid) for _, ctxt, msgid, _ in po_entries(po_text) if msgid}


def gettext_tool(name):
    if shutil.which(name):
        return name
    message = f"{name} not found: install GNU gettext (`apt-get install -y gettext`)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def test_every_spanish_message_is_translated_and_none_is_fuzzy():
    entries = po_entries(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 300  # the catalogue was read
    untranslated = [msgid for _, _, msgid, texts in entries if msgid and not all(texts)]
    fuzzy = [msgid for flags, _, msgid, _ in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_catalogue_check_finds_untranslated_and_fuzzy_messages():
    entries = po_entries(
        'msgid ""\nmsgstr "Language: es\\n"\n\n'
        'msgid "Search"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Sort"\nmsgstr "Ordenar"\n\n'
        'msgid "%(counter)s provider"\nmsgid_plural "%(counter)s providers"\n'
        'msgstr[0] "%(counter)s proveedor"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Ya no"'
    )
    assert [msgid for _, _, msgid, texts in entries if not all(texts)] == [
        "Search",
        "%(counter)s provider",
    ]
    assert [msgid for flags, _, msgid, _ in entries if "fuzzy" in flags] == ["Sort"]


def test_makemessages_finds_no_message_missing_from_the_catalogue(tmp_path):
    gettext_tool("xgettext")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "*.sqlite3", "staticfiles", "test-artifacts", "tests"
        ),
    )
    # Made afresh, so that it holds exactly the messages found.
    (copy / CATALOGUE.relative_to(ROOT)).unlink()
    (copy / COMPILED.relative_to(ROOT)).unlink()
    ignore = [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=es",
            "--no-location",
            "--verbosity=0",
            *ignore,
        ],
        cwd=copy,
        check=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings_test",
            "PYTHONPATH": str(copy),  # the copy's settings: its locale folder
        },
    )
    committed = messages(CATALOGUE.read_text(encoding="utf-8"))
    found = messages((copy / CATALOGUE.relative_to(ROOT)).read_text(encoding="utf-8"))
    assert sorted(found - committed) == [], "new messages: run makemessages"
    assert sorted(committed - found) == [], "messages no longer used"


def test_the_compiled_catalogue_is_the_catalogue(tmp_path):
    msgfmt = gettext_tool("msgfmt")
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", compiled, CATALOGUE], check=True)
    with compiled.open("rb") as fresh, COMPILED.open("rb") as committed:
        assert GNUTranslations(committed)._catalog == GNUTranslations(fresh)._catalog


# Template text: what a visitor would read that no translate tag covers.

# og:type values, not words a visitor reads.
ALLOWED = {"website", "article"}
# Attributes whose values people read or hear; and data-* messages shown by
# scripts (those with a space in them).
# (A <meta>'s content only for the description.)
READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "label", "content"}
# Where a template tag or variable stood: a space, which keeps "<details{% if
# x %} open{% endif %}>" a tag and leaves no letter.
TAG = " "


def template_text(source):
    """The template's own text, with each tag or variable replaced by TAG and
    everything inside {% blocktranslate %}, {% comment %} and {# #} dropped."""
    parts, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in ("blocktranslate", "blocktrans", "comment"):
                skipping = {"comment": "endcomment"}.get(name, f"end{name}")
                parts.append(TAG)
                continue
        if token.token_type == TokenType.TEXT and not skipping:
            parts.append(token.contents)
        elif not skipping:
            parts.append(TAG)
    return "".join(parts)


class VisibleText(HTMLParser):
    """Text nodes and read attributes, outside <script>, <style> and any
    element marked as in a language of its own (lang="en" on a source's title)."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "col", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.stack = [], []

    def hidden(self):
        return any(tag in ("script", "style") or lang for tag, lang in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.hidden():
            for name, value in attrs.items():
                read = name in READ_ATTRIBUTES
                if tag == "meta" and name == "content":
                    read = attrs.get("name") == "description"
                if read or (name.startswith("data-") and " " in (value or "")):
                    self.found.append(value or "")
        if tag not in self.VOID:
            self.stack.append((tag, "lang" in attrs and tag != "html"))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.hidden():
            self.found.append(data)


def visible_text(source):
    """Pieces of text a visitor could read that are not marked for translation:
    those with a letter once tags, punctuation and digits are taken out."""
    parser = VisibleText()
    parser.feed(template_text(source))
    parser.close()
    words = []
    for piece in parser.found:
        text = "".join(
            " " if char in string.punctuation or char in "“”’‘×…–—" else char
            for char in piece
        )
        words.extend(word for word in text.split() if re.search(r"[^\W\d_]", word))
    return [word for word in words if word not in ALLOWED]


VISITOR_TEMPLATES = sorted(
    path
    for path in TEMPLATES.rglob("*")
    if path.suffix in {".html", ".txt"}
    and not path.relative_to(TEMPLATES).as_posix().startswith(ENGLISH_ONLY)
)


@pytest.mark.parametrize(
    "path", VISITOR_TEMPLATES, ids=lambda path: path.relative_to(TEMPLATES).as_posix()
)
def test_templates_show_no_text_outside_translate_tags(path):
    assert visible_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source, found",
    [
        ("<p>Call us</p>", ["Call", "us"]),
        ('<p>{% translate "Call us" %}</p>', []),
        ("<p>{% blocktranslate %}Call {{ name }}{% endblocktranslate %}</p>", []),
        ('<input placeholder="Your name">', ["Your", "name"]),
        ('<button data-copied="Link copied.">x</button>', ["Link", "copied", "x"]),
        ('<nav aria-label="{% translate "Main" %}"></nav>', []),
        ("<p>{{ provider.name }}, {{ provider.city }} 21201 – “…”</p>", []),
        ('<li lang="en"><a href="/">What to Expect</a>, SAMHSA.</li>', []),
        ("{# a comment #}{% comment %}Notes{% endcomment %}", []),
        ("<script>let words = 'not shown';</script>", []),
        ('<meta property="og:type" content="website">', []),
        ('<meta name="description" content="Plain facts">', ["Plain", "facts"]),
        ("{% if x %}<p>Waitlist</p>{% endif %}", ["Waitlist"]),
    ],
)
def test_the_template_scan_finds_unmarked_text(source, found):
    assert visible_text(source) == found
