from django.urls import path

from deal import team_views as views

app_name = "team"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/hand-on/", views.hand_on_work, name="hand_on"),
]
