"""Every API viewset, registered under /api/v1/ with kebab-case plural prefixes.

One block per app and part; keep additions in their block.
"""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# journeys: maps (journeys, stages, touchpoints)
from journeys.api.views import JourneyViewSet, StageViewSet, TouchpointViewSet  # noqa: E402

router.register("journeys", JourneyViewSet, basename="journey")
router.register("stages", StageViewSet, basename="stage")
router.register("touchpoints", TouchpointViewSet, basename="touchpoint")

# journeys: data (instances, interactions, imports)

# journeys: health (health-snapshots)

# owners (functions, people, ownerships, team-members, responsibilities, incentives, incentive-reviews)

# improvements (issues, initiatives, initiative-updates)
