from django.urls import path

from deal import governance_views

app_name = "governance"

urlpatterns = [
    path("audit/", governance_views.audit_log, name="audit"),
    path("audit/download/", governance_views.audit_csv, name="audit_csv"),
]
