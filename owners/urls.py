"""Pages of the owners app."""

from django.urls import path

from . import views

app_name = "owners"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/active/", views.person_set_active, name="person-set-active"),
    path("functions/", views.function_list, name="function-list"),
    path("functions/new/", views.function_create, name="function-create"),
    path("functions/<slug:slug>/", views.function_detail, name="function-detail"),
    path("functions/<slug:slug>/edit/", views.function_edit, name="function-edit"),
    path("incentives/", views.matrix, name="matrix"),
    path("incentives/list/", views.incentive_list, name="incentive-list"),
    path("incentives/new/", views.incentive_create, name="incentive-create"),
    path("incentives/reviews/", views.review_list, name="review-list"),
    path("incentives/measurements/import/", views.measurement_import, name="measurement-import"),
    path("incentives/measurements/imports/", views.measurement_import_list, name="measurement-import-list"),
    path(
        "incentives/measurements/imports/<int:pk>/",
        views.measurement_import_detail,
        name="measurement-import-detail",
    ),
    path(
        "incentives/measurements/imports/<int:pk>/progress.json",
        views.measurement_import_progress,
        name="measurement-import-progress",
    ),
    path("incentives/<int:pk>/edit/", views.incentive_edit, name="incentive-edit"),
    path("incentives/<int:pk>/history/", views.incentive_history, name="incentive-history"),
    path("incentives/<int:pk>/review/<slug:slug>/", views.review, name="review"),
    path("ownerships/", views.ownership_list, name="ownership-list"),
    path("team-members/", views.team_member_list, name="team-member-list"),
    path("responsibilities/", views.responsibility_list, name="responsibility-list"),
    path("gaps/", views.gaps_list, name="gaps"),
    path("journeys/<slug:slug>/ownership/", views.journey_ownership, name="journey-ownership"),
    path("journeys/<slug:slug>/team/", views.journey_team, name="journey-team"),
    path("journeys/<slug:slug>/team/<int:pk>/role/", views.journey_team_role, name="journey-team-role"),
    path("journeys/<slug:slug>/team/<int:pk>/remove/", views.journey_team_remove, name="journey-team-remove"),
    path("journeys/<slug:slug>/responsibilities/", views.journey_responsibilities, name="journey-responsibilities"),
]
