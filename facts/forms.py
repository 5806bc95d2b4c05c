from django import forms
from django.utils.translation import gettext_lazy as _

from facts.models import ErrorReport
from treatment.inquiries.forms import TOO_LONG, VisitorForm
from treatment.models import MESSAGE_MAX_LENGTH
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
        label=_("Search the facts pages"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "required": _("Type a word or two to search for, such as “methadone”."),
            "max_length": _(
                "That search is too long. Please use a few words "
                "(at most %(limit_value)d letters)."
            ),
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


class MedicalReviewForm(forms.Form):
    """A medical reviewer's sign-off on the exact text they were shown."""

    name = forms.CharField(
        label="Your name, as readers will see it",
        max_length=200,
        help_text="For example: Dr. Maria Lopez",
    )
    credentials = forms.CharField(
        label="Your credentials",
        max_length=200,
        help_text="For example: MD, board-certified in addiction medicine",
    )
    confirm = forms.BooleanField(
        label="I have read all of this version of the page, checked it against "
        "its sources, and it is medically accurate.",
        error_messages={"required": "Tick the box to confirm your review."},
    )
    text_hash = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["text_hash"].initial = article.text_hash()

    def clean_text_hash(self):
        if self.cleaned_data["text_hash"] != self.article.text_hash():
            raise forms.ValidationError(
                "The page changed while you were reading it. Please read this "
                "new version, then confirm again."
            )
        return self.cleaned_data["text_hash"]

    def record(self, *, recorded_by):
        self.article.record_review(
            name=self.cleaned_data["name"],
            credentials=self.cleaned_data["credentials"],
            text_hash=self.cleaned_data["text_hash"],
            recorded_by=recorded_by,
        )


class ErrorReportForm(VisitorForm):
    details = forms.CharField(
        label=_("What is wrong on this page?"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "Copy the words that are wrong if you can, and tell us what they "
            "should say. Please don't write anything about your own health."
        ),
        error_messages={
            "required": _("Tell us what is wrong, so we can check it."),
            "max_length": TOO_LONG,
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = forms.CharField(
        label=_("Where did you read something different? (optional)"),
        required=False,
        max_length=500,
        help_text=_("A link or the name of a source, such as a CDC or FDA page."),
        error_messages={"max_length": TOO_LONG},
    )

    def create_report(self, *, article):
        return ErrorReport.objects.create(
            article=article,
            details=self.cleaned_data["details"],
            evidence=self.cleaned_data["evidence"],
        )
