from django.urls import path

from deal import manage_views as views

app_name = "manage"

urlpatterns = [
    path("", views.staff_list, name="staff"),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/change/", views.staff_change, name="staff_change"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:pk>/send-link/", views.staff_send_link, name="staff_send_link"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("teams/", views.team_list, name="teams"),
    path("teams/add/", views.team_form, name="team_add"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/change/", views.team_form, name="team_change"),
    path("teams/<int:pk>/managers/add/", views.team_add_manager, name="team_add_manager"),
    path("changes/", views.changes, name="changes"),
]
