"""The Django admin at /admin/, for superusers only (deal.admin_site), for what
/manage/ does not cover: who is a superuser, a name or email put right.

It keeps the same rules as /manage/ (deal.services.check_staff_change): no
admin in a team, nobody changes their own role or teams, the last admin stays,
and a team joined here still waits for a manager to confirm it; superuser and
staff are for the admin role only. Nobody sets another person's password here,
nobody is deleted. The audit log is not here: who opened which resident's
record is for information governance (/governance/audit/), and an admin sees
their own changes at /manage/changes/. Authenticator apps and recovery codes
are listed, never shown, added or changed: their secrets would let whoever
reads them past someone else's second step."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deal.audit import Actor, audit_record
from deal.models import AuditAction, Membership, Team, User
from deal.services import check_staff_change, note_role_change


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the Django admin but changed only through the service's own
    pages (teams at /manage/) or never (the audit log)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    # Teams are looked after at /manage/teams/, where changes are audited.
    search_fields = ["name"]
    list_display = ["name", "contact_phone", "contact_email", "created_at"]


class MembershipFormSet(forms.BaseInlineFormSet):
    actor_user: User | None = None

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        team_ids = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            team = form.cleaned_data.get("team")
            if team is not None:
                team_ids.append(team.pk)
        before = User.objects.get(pk=self.instance.pk)
        try:
            check_staff_change(
                actor_user=self.actor_user,
                user=before,
                role=self.instance.role,
                team_ids=team_ids,
            )
        except ValidationError as error:
            raise ValidationError([m for ms in error.message_dict.values() for m in ms]) from None


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    formset = MembershipFormSet
    fields = ["team", "requested_by", "requested_at", "confirmed_by", "confirmed_at"]
    # Confirming is for a manager of the team, on their own page.
    readonly_fields = ["requested_by", "requested_at", "confirmed_by", "confirmed_at"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor_user = request.user
        return formset

    def _may_edit(self, request, obj) -> bool:
        return obj is not None and obj.pk != request.user.pk

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, obj)


class UserAdminForm(forms.ModelForm):
    actor_user: User | None = None

    class Meta:
        model = User
        fields = ["full_name", "role", "is_staff", "is_superuser"]

    def clean(self):
        cleaned = super().clean()
        user = User.objects.get(pk=self.instance.pk)
        role = cleaned.get("role", user.role)
        try:
            check_staff_change(
                actor_user=self.actor_user,
                user=user,
                role=role,
                team_ids=user.memberships.values_list("team_id", flat=True),
                django_admin=cleaned.get("is_superuser", user.is_superuser)
                or cleaned.get("is_staff", user.is_staff),
            )
        except ValidationError as error:
            # Teams are the inline's, not this form's: their message goes at
            # the top ("An admin cannot be in a team").
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Email: changing it to one's own address and asking for a reset would
        # take the account over. Active: deactivate at /manage/, which also
        # ends their sessions.
        fields = ["email", "is_active", "last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            fields += ["role", "is_superuser"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor_user = request.user
        return form

    def has_add_permission(self, request) -> bool:
        # New staff are invited at /manage/ and set their own password.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        before = User.objects.get(pk=obj.pk)
        if obj.role != before.role:
            note_role_change(actor=Actor.from_request(request), user=obj)
        super().save_model(request, obj, form, change)
        changes = {
            name: [str(getattr(before, name)), str(getattr(obj, name))]
            for name in form.changed_data
        }
        if changes:
            audit_record(
                actor=Actor.from_request(request),
                action=AuditAction.CHANGE,
                obj=obj,
                detail="Changed in the Django admin",
                changes=changes,
            )

    def save_formset(self, request, form, formset, change) -> None:
        before = sorted(formset.instance.memberships.values_list("team__name", flat=True))
        instances = formset.save(commit=False)
        for membership in instances:
            # A new or changed team is this superuser's request: they cannot
            # then be the second admin who confirms it.
            membership.requested_by = request.user
            membership.requested_at = timezone.now()
            membership.confirmed_by = None
            membership.confirmed_at = None
            membership.save()
        for membership in formset.deleted_objects:
            membership.delete()
        after = sorted(formset.instance.memberships.values_list("team__name", flat=True))
        if before != after:
            audit_record(
                actor=Actor.from_request(request),
                action=AuditAction.CHANGE,
                obj=formset.instance,
                detail="Teams changed in the Django admin",
                changes={"teams": [before, after]},
            )


# django-otp's own admin shows a recovery code's tokens, lets a superuser add
# an authenticator for anyone (and so learn its secret) and change a device's
# key. Each person sets up their own at /two-factor/set-up/; here a superuser
# only sees who has one, to answer "is my app set up?".
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice, StaticDevice)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = list_display
    readonly_fields = list_display
    list_filter = ["confirmed"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user"]
