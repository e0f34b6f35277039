"""Signals the journeys app sends so that other apps can react without being imported by it."""

from django.dispatch import Signal

# Sent after a recompute of one journey has committed.
# kwargs: journey (Journey), snapshot (the overall HealthSnapshot of the as-of day),
# new_alerts (list of alert codes present now that were absent from the previous overall snapshot).
health_recomputed = Signal()

# Sent after new or changed instances or interactions have committed (API, ingest, CSV import).
# kwargs: journey_ids (list of ids of the journeys whose data changed), first_days (journey id -> the
# earliest local day whose health the change made stale), pending_recompute_ids (the journeys whose
# pending recompute this change created: each needs one recompute job; the others have one queued
# or running already).
journey_data_changed = Signal()

# Sent inside the transaction that copied a journey's map (journeys.services.copies.journey_copy), so
# that what other apps hang on the map (responsibilities) is copied in the same transaction.
# kwargs: source (Journey), journey (the new Journey), touchpoints (dict: source touchpoint id -> new
# touchpoint id, for the touchpoints that were copied).
map_copied = Signal()

# Sent inside the transaction that drew a new journey from a template (journeys.map_templates).
# kwargs: journey (the new Journey), template (MapTemplate), function_slugs (dict: new touchpoint id ->
# the slugs of the functions the template says usually deliver it).
map_drawn_from_template = Signal()
