from django.urls import path, re_path

from people import transfer_views, views

app_name = "people"

urlpatterns = [
    path("", views.find, name="find"),
    path("new/", views.add, name="add"),
    path("new/<uuid:key>/", views.add, name="add_with_key"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("transfers/<int:pk>/", transfer_views.transfer_decide, name="transfer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/open/", views.break_glass, name="break_glass"),
    path("<int:pk>/restriction/", views.restriction, name="restriction"),
    path("<int:pk>/what-matters/", views.what_matters, name="what_matters"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<kind>strength|interest|need)s/new/$",
        views.entry_add,
        name="entry_add",
    ),
    path("<int:pk>/entries/<int:entry_pk>/archive/", views.entry_archive, name="entry_archive"),
    path("<int:pk>/entries/<int:entry_pk>/restore/", views.entry_restore, name="entry_restore"),
    path("<int:pk>/people-in-their-life/new/", views.person_in_life, name="person_in_life_add"),
    path(
        "<int:pk>/people-in-their-life/new/<uuid:key>/",
        views.person_in_life,
        name="person_in_life_add_with_key",
    ),
    path(
        "<int:pk>/people-in-their-life/<int:connection_pk>/",
        views.person_in_life,
        name="person_in_life_edit",
    ),
    path(
        "<int:pk>/people-in-their-life/<int:connection_pk>/archive/",
        views.person_in_life_archive,
        name="person_in_life_archive",
    ),
]
