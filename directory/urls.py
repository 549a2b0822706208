from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_add, name="add"),
    path("import/", views.import_file, name="import"),
    path("export.json", views.export_file, name="export"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path("<int:pk>/running/", views.group_status, name="status"),
    path("<int:pk>/link/", views.link_action, name="link"),
]
