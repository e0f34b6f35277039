from django.urls import path

from . import views

app_name = "improvements"

urlpatterns = [
    path("issues/", views.issue_list, name="issue-list"),
    path("issues/export.csv", views.issue_export, name="issue-export"),
    path("issues/new/", views.issue_create, name="issue-create"),
    path("issues/<int:pk>/", views.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue-edit"),
    path("issues/<int:pk>/triage/", views.issue_triage, name="issue-triage"),
    path("issues/<int:pk>/comments/", views.issue_comment, name="issue-comment"),
    path("initiatives/", views.initiative_board, name="initiative-board"),
    path("initiatives/ranked/", views.initiative_ranking, name="initiative-ranking"),
    path("initiatives/export.csv", views.initiative_export, name="initiative-export"),
    path("initiatives/new/", views.initiative_create, name="initiative-create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:pk>/transition/", views.initiative_transition, name="initiative-transition"),
    path("initiatives/<int:pk>/updates/", views.initiative_update_create, name="initiative-update-create"),
    path("initiatives/<int:pk>/comments/", views.initiative_comment, name="initiative-comment"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/people/", views.mention_people, name="mention-people"),
]
