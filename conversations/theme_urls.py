from django.urls import path

from conversations import theme_views as views

app_name = "themes"

urlpatterns = [
    path("", views.theme_list, name="list"),
    path("<int:pk>/rename/", views.theme_rename, name="rename"),
    path("<int:pk>/in-use/", views.theme_in_use, name="in_use"),
]
