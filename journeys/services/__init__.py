"""Writes of the journeys app, split by part: ``maps`` (journeys, stages, touchpoints), ``ingest``
(instances and interactions, the JSON batch), ``imports`` (the CSV import), ``health`` (the engine)
and ``staging`` (the temporary table every ingest write goes through)."""
