from datetime import date

from django import forms
from django.utils import translation

from tongcheng.lib.forms import BootstrapMixin, PhoneField


class DatesForm(BootstrapMixin, forms.Form):
    picked = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    typed = forms.DateField(widget=forms.DateInput)


def test_it_renders_native_date_pickers_with_iso_values_in_chinese() -> None:
    form = DatesForm(initial={"picked": date(2014, 3, 5), "typed": date(2014, 3, 5)})
    with translation.override("zh-hans"):
        assert 'value="2014-03-05"' in str(form["picked"])
        # A plain text date keeps the localized format the officer types.
        assert 'value="2014/03/05"' in str(form["typed"])


class ChecksForm(BootstrapMixin, forms.Form):
    topics = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    agreed = forms.BooleanField(required=False)


def test_it_gives_every_check_bootstraps_check_class() -> None:
    form = ChecksForm()
    # Each choice as includes/form_fields.html draws it: one check a line.
    assert all('class="form-check-input"' in box.tag() for box in form["topics"])
    assert 'class="form-check-input"' in str(form["agreed"])


class ContactForm(BootstrapMixin, forms.Form):
    phone = PhoneField(required=False)


def test_it_opens_the_phone_keypad_for_a_phone_field() -> None:
    html = str(ContactForm()["phone"])
    assert 'inputmode="tel"' in html
    assert 'class="form-control"' in html
