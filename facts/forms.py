from django import forms

from treatment.search.keywords import MAX_QUERY_LENGTH


def readable(text):
    """The text less control characters and undecodable bytes (shown as U+FFFD)."""
    return "".join(
        char
        for char in text
        if (char.isprintable() or char.isspace()) and char != "\ufffd"
    )


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the facts pages",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "required": "Type a word or two to search for, such as “methadone”.",
            "max_length": "That search is too long. Please use a few words "
            f"(at most {MAX_QUERY_LENGTH} letters).",
        },
    )

    def __init__(self, data=None):
        # Characters nobody can type are dropped before the form sees them, so
        # they are neither searched for nor shown again in the search box.
        if data is not None:
            data = {"q": readable(data.get("q", ""))}
        super().__init__(data, label_suffix="")

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())
