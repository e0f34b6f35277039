"""Celery tasks of the journeys app: thin adapters that load rows and call one service.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------
