"""API views of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------
