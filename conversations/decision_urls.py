"""Positive-risk decisions, at /risks/ (see deal.urls)."""

from django.urls import path

from conversations import decision_views as views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("learning/", views.learning, name="learning"),
    path("propose/<int:person_pk>/", views.propose, name="propose"),
    path("propose/<int:person_pk>/<uuid:key>/", views.propose, name="propose_with_key"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/change/", views.revise, name="revise"),
    path("<int:pk>/back/", views.back, name="back"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/note/", views.note, name="note"),
]
