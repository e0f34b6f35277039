"""PostgreSQL: check "an interaction's touchpoint belongs to its instance's journey" once per INSERT statement.

The row trigger of 0002 looked up the touchpoint and the instance for every inserted row (about
half the time of a COPY or of the importer's batched INSERTs). On INSERT the rule is now checked
once per statement, with one join over the statement's new rows (a transition table); a mismatch
raises the same integrity error and the whole statement is undone. Transition tables cannot be
combined with a column list, so UPDATE OF touchpoint_id, instance_id keeps the row trigger.
SQLite keeps the row triggers of 0002 (it has no statement-level triggers).
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER journeys_interaction_same_journey ON journeys_interaction;
CREATE TRIGGER journeys_interaction_same_journey_update
    BEFORE UPDATE OF touchpoint_id, instance_id ON journeys_interaction
    FOR EACH ROW EXECUTE FUNCTION journeys_interaction_same_journey();

CREATE FUNCTION journeys_interaction_same_journey_inserted() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM new_rows n
        LEFT JOIN journeys_touchpoint t ON t.id = n.touchpoint_id
        LEFT JOIN journeys_journeyinstance i ON i.id = n.instance_id
        WHERE t.journey_id IS DISTINCT FROM i.journey_id
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = 'journeys_interaction_touchpoint_in_journey: '
                || 'the touchpoint does not belong to the instance''s journey';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journeys_interaction_same_journey_insert
    AFTER INSERT ON journeys_interaction
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journeys_interaction_same_journey_inserted();
"""

BACKWARD = """
DROP TRIGGER journeys_interaction_same_journey_insert ON journeys_interaction;
DROP FUNCTION journeys_interaction_same_journey_inserted();
DROP TRIGGER journeys_interaction_same_journey_update ON journeys_interaction;
CREATE TRIGGER journeys_interaction_same_journey
    BEFORE INSERT OR UPDATE OF touchpoint_id, instance_id ON journeys_interaction
    FOR EACH ROW EXECUTE FUNCTION journeys_interaction_same_journey();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("journeys", "0004_list_order_indexes")]

    operations = [migrations.RunPython(forward, backward)]
