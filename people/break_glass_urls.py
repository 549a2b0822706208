from django.urls import path

from people import break_glass_views

app_name = "break_glass"

urlpatterns = [
    path("team/<int:team_pk>/break-glass/", break_glass_views.team_list, name="team"),
    path("governance/break-glass/", break_glass_views.governance_list, name="governance"),
]
