"""The forms visitors fill in: an inquiry to a provider or to us, and a
report that a listing is wrong."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treatment.models import MESSAGE_MAX_LENGTH, Inquiry, ListingReport
from treatment.phones import normalize_us_phone
from treatment.text import TypedTextField

TOO_LONG = _(
    "Please shorten this to %(limit_value)d characters or fewer "
    "(it has %(show_value)d)."
)


class VisitorForm(forms.Form):
    """A form the public fills in. Bots that fill in every field also fill in
    `homepage`, which people never see (templates/includes/honeypot.html)."""

    homepage = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    @property
    def is_from_a_bot(self):
        return bool(self.data.get("homepage"))


class InquiryForm(VisitorForm):
    who_needs_help = forms.ChoiceField(
        label=_("Who needs help?"),
        choices=Inquiry.WhoNeedsHelp.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who needs help: you or someone else."),
            "invalid_choice": _("Choose who needs help: you or someone else."),
        },
    )
    name = TypedTextField(
        label=_("First name or nickname (optional)"),
        required=False,
        max_length=100,
        help_text=_("You don't have to give your real name."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Give an email address, a phone number, or both."),
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        help_text=_("A US number with its area code, like 410-555-0123."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("Best way to reach you"),
        choices=Inquiry.ContactMethod.choices,
        initial=Inquiry.ContactMethod.ANY,
        error_messages={
            "required": _("Choose the best way to reach you."),
            "invalid_choice": _("Choose one of the ways in the list."),
        },
    )
    preferred_time = forms.ChoiceField(
        label=_("Best time to reach you"),
        choices=Inquiry.ContactTime.choices,
        initial=Inquiry.ContactTime.ANY,
        error_messages={
            "required": _("Choose the best time to reach you."),
            "invalid_choice": _("Choose one of the times in the list."),
        },
    )
    message = TypedTextField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("What kind of help are you looking for? Up to 2,000 characters."),
        error_messages={
            "required": _("Write a short message, even just a line."),
            "max_length": TOO_LONG,
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Tick the box to agree, so we can pass on your message.")
        },
    )
    # Who the consent box named when the page was shown, so that a message is
    # never passed to someone the visitor did not read about.
    recipient = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipient_name = Inquiry.recipient_for(provider).name
        self.fields["recipient"].initial = self.recipient_name
        self.fields["consent"].label = Inquiry.consent_sentence(self.recipient_name)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_us_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        if data.get("consent") and data.get("recipient") != self.recipient_name:
            self.ask_consent_again()
        if self.has_error("email") or self.has_error("phone"):
            return data
        email, phone = data.get("email"), data.get("phone")
        if not email and not phone:
            self.add_error(
                "email",
                _("Give an email address or a phone number, so you can get a reply."),
            )
            return data
        method = data.get("preferred_contact")
        if method == Inquiry.ContactMethod.EMAIL and not email:
            self.add_error(
                "preferred_contact",
                _(
                    "You chose email, but there is no email address above. "
                    "Add one, or choose another way."
                ),
            )
        if method in {Inquiry.ContactMethod.PHONE, Inquiry.ContactMethod.TEXT} and (
            not phone
        ):
            self.add_error(
                "preferred_contact",
                _(
                    "You chose phone or text, but there is no phone number above. "
                    "Add one, or choose another way."
                ),
            )
        return data

    def ask_consent_again(self):
        """The recipient changed after the page was shown (staff changed how
        the provider takes messages): show the box unticked, naming the new
        recipient, and ask again."""
        self.add_error(
            "consent",
            gettext(
                "Who receives your message has changed since you opened this "
                "page: it would now go to %(recipient)s. Tick the box again if "
                "you agree."
            )
            % {"recipient": self.recipient_name},
        )
        self.data = self.data.copy()
        self.data["recipient"] = self.recipient_name
        self.data.pop("consent", None)

    def inquiry_fields(self):
        """Keyword arguments for create_inquiry(), from valid data."""
        return {name: self.cleaned_data[name] for name in Inquiry.VISITOR_FIELDS}


class ListingReportForm(VisitorForm):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ListingReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what is wrong with the listing."),
            "invalid_choice": _("Choose one of the reasons in the list."),
        },
    )
    details = TypedTextField(
        label=_("Details"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "For example the right phone number or the new address. "
            "Needed if you chose “Something else”. Please don't include anything "
            "about your health."
        ),
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ListingReport.Reason.OTHER and not data.get("details"):
            self.add_error("details", _("Tell us what is wrong, so we can fix it."))
        return data
