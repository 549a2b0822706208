from django.urls import path

from deal import governance_views

app_name = "governance"

urlpatterns = [
    path("", governance_views.index, name="index"),
    path("audit/", governance_views.audit_log, name="audit"),
    path("audit/download/", governance_views.audit_csv, name="audit_csv"),
    path("people/", governance_views.find_person, name="find_person"),
    path("people/<int:person_id>/", governance_views.subject_access, name="subject_access"),
    path(
        "people/<int:person_id>/download/",
        governance_views.subject_access_json,
        name="subject_access_json",
    ),
]
