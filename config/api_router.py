"""Every API viewset, registered under /api/v1/ with kebab-case plural prefixes."""

from rest_framework.routers import DefaultRouter

from improvements.api import views as improvements_api
from journeys.api import views as journeys_api
from owners.api import views as owners_api

router = DefaultRouter()

# journeys: maps (journeys, stages, touchpoints)
router.register("journeys", journeys_api.JourneyViewSet, basename="journey")
router.register("stages", journeys_api.StageViewSet, basename="stage")
router.register("touchpoints", journeys_api.TouchpointViewSet, basename="touchpoint")

# journeys: data (instances, interactions, imports)
router.register("instances", journeys_api.JourneyInstanceViewSet, basename="journeyinstance")
router.register("interactions", journeys_api.InteractionViewSet, basename="interaction")
router.register("imports", journeys_api.ImportViewSet, basename="import")

# journeys: health (health-snapshots)
router.register("health-snapshots", journeys_api.HealthSnapshotViewSet, basename="health-snapshot")

# owners (functions, people, ownerships, team-members, responsibilities, incentives, incentive-reviews)
router.register("functions", owners_api.FunctionViewSet, basename="function")
router.register("people", owners_api.PersonViewSet, basename="person")
router.register("ownerships", owners_api.OwnershipViewSet, basename="ownership")
router.register("team-members", owners_api.TeamMembershipViewSet, basename="team-member")
router.register("responsibilities", owners_api.ResponsibilityViewSet, basename="responsibility")
router.register("incentives", owners_api.IncentiveViewSet, basename="incentive")
router.register("incentive-reviews", owners_api.IncentiveReviewViewSet, basename="incentive-review")

# improvements (issues, initiatives, initiative-updates)
router.register("issues", improvements_api.IssueViewSet, basename="issue")
router.register("initiatives", improvements_api.InitiativeViewSet, basename="initiative")
router.register("initiative-updates", improvements_api.InitiativeUpdateViewSet, basename="initiative-update")
