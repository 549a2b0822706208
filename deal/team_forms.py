"""Forms of the manager's team pages: handing on work, and the staff pulse."""

from __future__ import annotations

import uuid

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from deal.forms import GovukFormMixin
from deal.hand_on import colleagues_in, team_members
from deal.models import PulseScale, Team, User
from deal.pulse import QUESTIONS


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name if user.is_active else f"{user.full_name} (left)"


class ColleaguesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name


class HandOnForm(GovukFormMixin, forms.Form):
    """Whose work, and which colleagues take it on."""

    worker = StaffChoiceField(
        label="Whose work is to be handed on",
        queryset=User.objects.none(),
        empty_label="Choose a member of staff",
        help_text="For example, someone who is leaving or will be away for a while",
    )
    colleagues = ColleaguesField(
        label="Who takes it on",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose one or more. With more than one, the people they work with "
        "are shared out in turn, each person’s actions going with them.",
    )
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = team_members(team)
        self.fields["colleagues"].queryset = colleagues_in(team)
        self.fields["worker"].error_messages.update(
            required="Choose whose work is to be handed on",
            invalid_choice="Choose a member of this team",
        )
        self.fields["colleagues"].error_messages.update(
            required="Choose at least one colleague to take it on",
            invalid_choice="Choose colleagues from this team",
            invalid_pk_value="Choose colleagues from this team",
        )
        self.helper.layout = Layout(
            Field.select("worker"),
            Field.checkboxes("colleagues", small=True, legend_size=Size.SMALL),
            Field("key"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        worker = cleaned.get("worker")
        if worker and worker in (cleaned.get("colleagues") or []):
            self.add_error("colleagues", f"Choose colleagues other than {worker.full_name}")
        return cleaned


class PulseForm(GovukFormMixin, forms.Form):
    """Three questions, each answered or left; "Skip" sends none."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, text in QUESTIONS:
            field = forms.TypedChoiceField(
                label=text,
                choices=PulseScale.choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            field.error_messages["invalid_choice"] = "Choose an answer from the list"
            self.fields[key] = field
        self.helper.layout = Layout(
            *(
                Field.radios(key, small=True, inline=False, legend_size=Size.SMALL)
                for key, _ in QUESTIONS
            )
        )

    def answers(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key, _ in QUESTIONS}
