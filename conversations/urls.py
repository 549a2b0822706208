from django.urls import path

from conversations import action_views, views

app_name = "conversations"

urlpatterns = [
    path("people/<int:person_pk>/conversations/new/", views.record, name="record"),
    path(
        "people/<int:person_pk>/conversations/new/<uuid:key>/",
        views.record,
        name="record_with_key",
    ),
    path("conversations/drafts/", views.drafts, name="drafts"),
    path("conversations/reviews/", views.reviews, name="reviews"),
    path("conversations/<int:pk>/", views.detail, name="detail"),
    path("conversations/<int:pk>/comment/", views.comment, name="comment"),
    path("conversations/<int:pk>/edit/", views.edit, name="edit"),
    path("conversations/<int:pk>/discard/", views.discard, name="discard"),
    path("conversations/<int:pk>/summary/", views.summary, name="summary"),
    path("actions/", action_views.action_list, name="actions"),
    path("actions/<int:pk>/", action_views.action_detail, name="action"),
]
