"""Cross-table rules a CHECK constraint cannot express, guarded by triggers on both databases.

- an interaction's touchpoint belongs to its instance's journey;
- a touchpoint's denormalised journey is its stage's journey.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION journeys_interaction_same_journey() RETURNS trigger AS $$
BEGIN
    IF (SELECT journey_id FROM journeys_touchpoint WHERE id = NEW.touchpoint_id)
       IS DISTINCT FROM (SELECT journey_id FROM journeys_journeyinstance WHERE id = NEW.instance_id) THEN
        RAISE EXCEPTION 'journeys_interaction_touchpoint_in_journey: the touchpoint does not belong to the instance''s journey'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journeys_interaction_same_journey
    BEFORE INSERT OR UPDATE OF touchpoint_id, instance_id ON journeys_interaction
    FOR EACH ROW EXECUTE FUNCTION journeys_interaction_same_journey();

CREATE OR REPLACE FUNCTION journeys_touchpoint_same_journey() RETURNS trigger AS $$
BEGIN
    IF (SELECT journey_id FROM journeys_stage WHERE id = NEW.stage_id) IS DISTINCT FROM NEW.journey_id THEN
        RAISE EXCEPTION 'journeys_touchpoint_stage_in_journey: the stage does not belong to the touchpoint''s journey'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journeys_touchpoint_same_journey
    BEFORE INSERT OR UPDATE OF stage_id, journey_id ON journeys_touchpoint
    FOR EACH ROW EXECUTE FUNCTION journeys_touchpoint_same_journey();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS journeys_interaction_same_journey ON journeys_interaction;
DROP FUNCTION IF EXISTS journeys_interaction_same_journey();
DROP TRIGGER IF EXISTS journeys_touchpoint_same_journey ON journeys_touchpoint;
DROP FUNCTION IF EXISTS journeys_touchpoint_same_journey();
"""

SQLITE_FORWARD = [
    """
    CREATE TRIGGER journeys_interaction_same_journey_insert BEFORE INSERT ON journeys_interaction
    WHEN (SELECT journey_id FROM journeys_touchpoint WHERE id = NEW.touchpoint_id)
         IS NOT (SELECT journey_id FROM journeys_journeyinstance WHERE id = NEW.instance_id)
    BEGIN
        SELECT RAISE(ABORT, 'journeys_interaction_touchpoint_in_journey: the touchpoint does not belong to the instance''s journey');
    END;
    """,
    """
    CREATE TRIGGER journeys_interaction_same_journey_update BEFORE UPDATE OF touchpoint_id, instance_id
    ON journeys_interaction
    WHEN (SELECT journey_id FROM journeys_touchpoint WHERE id = NEW.touchpoint_id)
         IS NOT (SELECT journey_id FROM journeys_journeyinstance WHERE id = NEW.instance_id)
    BEGIN
        SELECT RAISE(ABORT, 'journeys_interaction_touchpoint_in_journey: the touchpoint does not belong to the instance''s journey');
    END;
    """,
    """
    CREATE TRIGGER journeys_touchpoint_same_journey_insert BEFORE INSERT ON journeys_touchpoint
    WHEN (SELECT journey_id FROM journeys_stage WHERE id = NEW.stage_id) IS NOT NEW.journey_id
    BEGIN
        SELECT RAISE(ABORT, 'journeys_touchpoint_stage_in_journey: the stage does not belong to the touchpoint''s journey');
    END;
    """,
    """
    CREATE TRIGGER journeys_touchpoint_same_journey_update BEFORE UPDATE OF stage_id, journey_id
    ON journeys_touchpoint
    WHEN (SELECT journey_id FROM journeys_stage WHERE id = NEW.stage_id) IS NOT NEW.journey_id
    BEGIN
        SELECT RAISE(ABORT, 'journeys_touchpoint_stage_in_journey: the stage does not belong to the touchpoint''s journey');
    END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS journeys_interaction_same_journey_insert",
    "DROP TRIGGER IF EXISTS journeys_interaction_same_journey_update",
    "DROP TRIGGER IF EXISTS journeys_touchpoint_same_journey_insert",
    "DROP TRIGGER IF EXISTS journeys_touchpoint_same_journey_update",
]


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


def _run(schema_editor, postgres_sql, sqlite_statements):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres_sql)
    elif vendor == "sqlite":
        for statement in sqlite_statements:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("journeys", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
