"""The forms visitors fill in: an inquiry to a provider or to us, and a
report that a listing is wrong."""

from django import forms

from treatment.models import MESSAGE_MAX_LENGTH, Inquiry, ListingReport
from treatment.phones import normalize_us_phone
from treatment.text import TypedTextField

TOO_LONG = (
    "Please shorten this to %(limit_value)d characters or fewer "
    "(it has %(show_value)d)."
)


class VisitorForm(forms.Form):
    """A form the public fills in. Bots that fill in every field also fill in
    `homepage`, which people never see (templates/includes/honeypot.html)."""

    homepage = forms.CharField(
        label="Leave this empty",
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
        label="Who needs help?",
        choices=Inquiry.WhoNeedsHelp.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who needs help: you or someone else.",
            "invalid_choice": "Choose who needs help: you or someone else.",
        },
    )
    name = TypedTextField(
        label="First name or nickname (optional)",
        required=False,
        max_length=100,
        help_text="You don't have to give your real name.",
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=254,
        help_text="Give an email address, a phone number, or both.",
        error_messages={
            "invalid": "Enter an email address like name@example.com.",
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        help_text="A US number with its area code, like 410-555-0123.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label="Best way to reach you",
        choices=Inquiry.ContactMethod.choices,
        initial=Inquiry.ContactMethod.ANY,
        error_messages={
            "required": "Choose the best way to reach you.",
            "invalid_choice": "Choose one of the ways in the list.",
        },
    )
    preferred_time = forms.ChoiceField(
        label="Best time to reach you",
        choices=Inquiry.ContactTime.choices,
        initial=Inquiry.ContactTime.ANY,
        error_messages={
            "required": "Choose the best time to reach you.",
            "invalid_choice": "Choose one of the times in the list.",
        },
    )
    message = TypedTextField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text="What kind of help are you looking for? Up to 2,000 characters.",
        error_messages={
            "required": "Write a short message, even just a line.",
            "max_length": TOO_LONG,
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Tick the box to agree, so we can pass on your message."
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
                "Give an email address or a phone number, so you can get a reply.",
            )
            return data
        method = data.get("preferred_contact")
        if method == Inquiry.ContactMethod.EMAIL and not email:
            self.add_error(
                "preferred_contact",
                "You chose email, but there is no email address above. "
                "Add one, or choose another way.",
            )
        if method in {Inquiry.ContactMethod.PHONE, Inquiry.ContactMethod.TEXT} and (
            not phone
        ):
            self.add_error(
                "preferred_contact",
                "You chose phone or text, but there is no phone number above. "
                "Add one, or choose another way.",
            )
        return data

    def ask_consent_again(self):
        """The recipient changed after the page was shown (staff changed how
        the provider takes messages): show the box unticked, naming the new
        recipient, and ask again."""
        self.add_error(
            "consent",
            "Who receives your message has changed since you opened this page: "
            f"it would now go to {self.recipient_name}. Tick the box again if "
            "you agree.",
        )
        self.data = self.data.copy()
        self.data["recipient"] = self.recipient_name
        self.data.pop("consent", None)

    def inquiry_fields(self):
        """Keyword arguments for create_inquiry(), from valid data."""
        return {name: self.cleaned_data[name] for name in Inquiry.VISITOR_FIELDS}


class ListingReportForm(VisitorForm):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=ListingReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what is wrong with the listing.",
            "invalid_choice": "Choose one of the reasons in the list.",
        },
    )
    details = TypedTextField(
        label="Details",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text="For example the right phone number or the new address. "
        "Needed if you chose “Something else”. Please don't include anything "
        "about your health.",
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ListingReport.Reason.OTHER and not data.get("details"):
            self.add_error("details", "Tell us what is wrong, so we can fix it.")
        return data
