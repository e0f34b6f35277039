"""Every API viewset, registered under /api/v1/ with kebab-case plural prefixes, grouped by app and part."""

from rest_framework.routers import DefaultRouter

from improvements.api.views import CommentViewSet, InitiativeUpdateViewSet, InitiativeViewSet, IssueViewSet
from journeys.api.views.health import HealthSnapshotViewSet
from journeys.api.views.ingest import ImportViewSet, InteractionViewSet, JourneyInstanceViewSet
from journeys.api.views.maps import JourneyTemplateViewSet, JourneyViewSet, StageViewSet, TouchpointViewSet
from owners.api import views as owners_api
from webhooks.api.views import WebhookDeliveryViewSet, WebhookSubscriptionViewSet

router = DefaultRouter()

# journeys: maps (journeys, stages, touchpoints, journey-templates)
router.register("journeys", JourneyViewSet, basename="journey")
router.register("stages", StageViewSet, basename="stage")
router.register("touchpoints", TouchpointViewSet, basename="touchpoint")
router.register("journey-templates", JourneyTemplateViewSet, basename="journey-template")

# journeys: data (instances, interactions, imports)
router.register("instances", JourneyInstanceViewSet, basename="journeyinstance")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("imports", ImportViewSet, basename="import")

# journeys: health (health-snapshots)
router.register("health-snapshots", HealthSnapshotViewSet, basename="health-snapshot")

# owners (functions, people, ownerships, team-members, responsibilities, incentives, incentive-reviews)
router.register("functions", owners_api.FunctionViewSet, basename="function")
router.register("people", owners_api.PersonViewSet, basename="person")
router.register("ownerships", owners_api.OwnershipViewSet, basename="ownership")
router.register("team-members", owners_api.TeamMembershipViewSet, basename="team-member")
router.register("responsibilities", owners_api.ResponsibilityViewSet, basename="responsibility")
router.register("incentives", owners_api.IncentiveViewSet, basename="incentive")
router.register("incentive-reviews", owners_api.IncentiveReviewViewSet, basename="incentive-review")
router.register("incentive-measurements", owners_api.IncentiveMeasurementViewSet, basename="incentive-measurement")

# improvements (issues, initiatives, initiative-updates, comments)
router.register("issues", IssueViewSet, basename="issue")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("initiative-updates", InitiativeUpdateViewSet, basename="initiative-update")
router.register("comments", CommentViewSet, basename="comment")

# webhooks (webhook-subscriptions, webhook-deliveries)
router.register("webhook-subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
