"""Every API viewset, registered under /api/v1/ with kebab-case plural prefixes.

One block per app and part; keep additions in their block.
"""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

# journeys: maps (journeys, stages, touchpoints)

# journeys: data (instances, interactions, imports)

# journeys: health (health-snapshots)
from journeys.api.views import HealthSnapshotViewSet  # noqa: E402

router.register("health-snapshots", HealthSnapshotViewSet, basename="health-snapshot")

# owners (functions, people, ownerships, team-members, responsibilities, incentives, incentive-reviews)

# improvements (issues, initiatives, initiative-updates)
