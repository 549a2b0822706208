"""/manage/themes/: admins add, rename and retire conversation themes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations import themes
from conversations.models import Theme
from deal.audit import Actor
from deal.forms import GovukFormMixin
from deal.permissions import Capability, capability_required

manage = capability_required(Capability.MANAGE_STAFF)


class ThemeForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Theme", max_length=60)


def _errors_to(form: ThemeForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field, messages_)


@manage
def theme_list(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = themes.theme_add(
                actor=Actor.from_request(request), name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, f"{theme.name} is added")
            return redirect("themes:list")
    return render(
        request,
        "manage/themes.html",
        {"form": form, "themes": Theme.objects.order_by("-is_active", "name")},
    )


@manage
def theme_rename(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeForm(request.POST or None, initial={"name": theme.name})
    if request.method == "POST" and form.is_valid():
        try:
            themes.theme_rename(
                actor=Actor.from_request(request), theme=theme, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "The theme is renamed")
            return redirect("themes:list")
    return render(request, "manage/theme_rename.html", {"form": form, "theme": theme})


@require_POST
@manage
def theme_in_use(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    in_use = request.POST.get("in_use") == "yes"
    themes.theme_set_in_use(actor=Actor.from_request(request), theme=theme, in_use=in_use)
    messages.success(
        request,
        f"{theme.name} is {'back in use' if in_use else 'retired: past conversations keep it'}",
    )
    return redirect("themes:list")
