"""What people type into the site's forms: text, cleaned before it is kept,
and times of day.

Control characters (other than newline and tab) are invisible or move what
comes after them: an ESC can start a terminal escape when staff read a log or
an export, and a right-to-left override makes "txt.exe" read as "exe.txt".
Nobody types them on purpose, so they are removed, not refused.
"""

import re

from django import forms

# C0 and C1 controls less tab and newline; the bidirectional embeddings,
# overrides and isolates; the interlinear annotation marks. Carriage returns
# are handled first, as line breaks.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)
LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")


def without_control_characters(text: str) -> str:
    """The text as typed, with line breaks as newlines and no other controls."""
    return CONTROL_CHARACTERS.sub("", LINE_BREAK.sub("\n", text))


class TypedTextField(forms.CharField):
    """A CharField for what visitors type: cleaned before it is checked, so
    a message of nothing but controls is empty and limits count what is kept."""

    def to_python(self, value):
        if isinstance(value, str):
            value = without_control_characters(value)
        return super().to_python(value)


class TimeOfDayInput(forms.TimeInput):
    """The browser's own time picker (a dial or wheel on phones, no script
    needed), giving hours and minutes."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
