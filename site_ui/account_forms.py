"""The citizen's registration form: it parses; ``directory.registration.citizen_register`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegisterForm(forms.Form):
    """The fields bear the service's names, so its errors come back next to them."""

    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=64,
        help_text=_("As on your resident ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=32,
        help_text=_("18 characters. One account per ID number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 18}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        help_text=_("You log in with this number."),
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel-national", "maxlength": 11}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") not in (None, data["password"]):
            self.add_error("password_again", _("The two passwords differ."))
        return data

    def service_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "id_number", "phone", "password")}
