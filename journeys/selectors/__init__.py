"""Reads of the journeys app, split by part: ``maps`` (journey lists, the map, the blueprint, Mermaid),
``ingest`` (instances, interactions, imports) and ``health`` (snapshots explained, trend, stale journeys)."""
