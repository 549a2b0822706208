"""Forms of /manage/: finding, inviting and changing staff, and teams."""

from __future__ import annotations

from django import forms

from deal.forms import GovukFormMixin
from deal.models import Role, Team, User


class StaffFilterForm(forms.Form):
    """Find staff by name or email, and narrow by team, role and being active."""

    ACTIVE_CHOICES = [("yes", "Active"), ("no", "Deactivated"), ("all", "Everyone")]

    q = forms.CharField(label="Name or email address", required=False, max_length=100)
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.all(), required=False, empty_label="Any team"
    )
    role = forms.ChoiceField(
        label="Role", choices=[("", "Any role"), *Role.choices], required=False
    )
    active = forms.ChoiceField(label="Show", choices=ACTIVE_CHOICES, required=False)

    def filtered(self, users):
        if not self.is_valid():
            return users.filter(is_active=True)
        data = self.cleaned_data
        users = users.matching(data["q"])
        if data["team"]:
            users = users.filter(memberships__team=data["team"])
        if data["role"]:
            users = users.filter(role=data["role"])
        active = data["active"] or "yes"
        if active != "all":
            users = users.filter(is_active=active == "yes")
        return users


class TeamsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=Team.objects.order_by("name"),
            required=False,
            label="Teams",
            help_text=(
                "They see a team’s people only once a manager of that team confirms. "
                "An admin is in no team."
            ),
            **kwargs,
        )


class RoleField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Role.choices, label="Role", **kwargs)


class InviteForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send a link to this address for them to set their own password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = RoleField()
    teams = TeamsField()

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())


class StaffChangeForm(GovukFormMixin, forms.Form):
    role = RoleField()
    teams = TeamsField()


class TeamForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "contact_phone", "contact_email"]
        labels = {
            "name": "Team name",
            "contact_phone": "Phone number",
            "contact_email": "Email address",
        }
        help_texts = {
            "contact_phone": "How a person reaches the team: shown on the summary given to them.",
        }
        error_messages = {"name": {"unique": "There is already a team with this name"}}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class AddManagerForm(GovukFormMixin, forms.Form):
    manager = forms.ModelChoiceField(
        label="Manager",
        queryset=User.objects.none(),
        empty_label="Choose a manager",
        help_text="Only staff whose role is manager are listed.",
    )

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            User.objects.filter(role=Role.MANAGER, is_active=True)
            .exclude(memberships__team=team)
            .order_by("full_name")
        )
