from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deal import manage_views, session, signin, team_views, two_factor, views
from deal.forms import SignInForm

accounts = [
    path(
        "login/",
        signin.SignInView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", session.SignOutView.as_view(), name="logout"),
    path("keep-alive/", session.keep_alive, name="keep_alive"),
    path("two-factor/", two_factor.overview, name="two_factor"),
    path("two-factor/code/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
    path(
        "two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "join/<int:user_id>/<str:token>/",
        manage_views.accept_invitation,
        name="accept_invitation",
    ),
    path(
        "password-reset/",
        signin.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(accounts)),
    path("team/", include("deal.team_urls")),
    path("pulse/", team_views.answer_pulse, name="pulse"),
    path("people/", include("people.urls")),
    # Break-glass openings of restricted records: /team/<id>/break-glass/ for
    # the team's manager, /governance/break-glass/ for information governance.
    path("", include("people.break_glass_urls")),
    path("", include("conversations.urls")),
    path("risks/", include("conversations.decision_urls")),
    path("reports/", include("conversations.report_urls")),
    path("manage/themes/", include("conversations.theme_urls")),
    path("manage/", include("deal.manage_urls")),
    # The directory sits on top of the other apps: mounted by name, never imported.
    path("directory/", include("directory.urls")),
    path("governance/", include("deal.governance_urls")),
    path("admin/", admin.site.urls),
]

# The database being away is a 503, not a 500 (see deal.views.server_error).
handler500 = "deal.views.server_error"
