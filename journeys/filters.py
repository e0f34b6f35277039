"""django-filter FilterSets, one per listable model, shared by the API and the HTML lists.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------
