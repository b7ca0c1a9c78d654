from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    # Generous length: people paste codes with spaces or full-width dashes; the selector normalises.
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("The 12 letters and digits printed at the foot of the document, e.g. 7KQ2-M9XD-4TRB."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
