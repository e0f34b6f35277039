-- The floor: every active journey's health (overall, each segment, each stage) in ONE statement.
--
-- Same rows and same components as design section 4: instances whose started_at falls in
-- (T - window_days, T], their interactions ordered by (occurred_at, id). One window pass over the
-- interactions gives, per row, the previous channel (hand-offs), the running and total count of
-- rated interactions (first and last rated) and whether it is the instance's last interaction
-- (where abandoned instances stopped); then one aggregate per instance, one GROUPING SETS
-- aggregate for the overall population and the segments, and one per stage.
--
-- Design section 13 in the same statement: per touchpoint (overall and per segment), per channel
-- hand-off, per path (stage positions with consecutive repeats collapsed) and outcome, and one row per
-- rated instance for the key drivers (its mean satisfaction per stage and its effort counts).
--
-- Parameter: %(window_end)s = T, the end of the as-of day (timestamptz).
WITH journey AS (
    SELECT id, window_days, min_sample, target_duration
    FROM journeys_journey
    WHERE status = 'active'
),
instance AS (
    SELECT i.id, i.journey_id, i.segment, i.satisfaction, i.outcome,
           CASE WHEN i.outcome = 'completed' AND j.target_duration IS NOT NULL
                THEN i.ended_at - i.started_at <= j.target_duration END AS on_time
    FROM journeys_journeyinstance i
    JOIN journey j ON j.id = i.journey_id
    WHERE i.started_at > %(window_end)s - make_interval(days => j.window_days)
      AND i.started_at <= %(window_end)s
),
interaction AS MATERIALIZED (
    SELECT x.instance_id, x.channel, x.satisfaction, x.repeat, x.reidentified, t.stage_id,
           x.touchpoint_id, st.position AS stage_position, i.journey_id, i.segment, i.outcome,
           i.satisfaction AS instance_satisfaction,
           row_number() OVER ordered AS step,
           lag(x.channel) OVER ordered AS previous_channel,
           lag(x.satisfaction) OVER ordered AS previous_satisfaction,
           lag(st.position) OVER ordered AS previous_position,
           count(x.satisfaction) OVER ordered AS rated_so_far,
           count(x.satisfaction) OVER whole AS rated_total,
           row_number() OVER ordered = count(*) OVER whole AS is_last
    FROM journeys_interaction x
    JOIN instance i ON i.id = x.instance_id
    JOIN journeys_touchpoint t ON t.id = x.touchpoint_id
    JOIN journeys_stage st ON st.id = t.stage_id
    WINDOW ordered AS (PARTITION BY x.instance_id ORDER BY x.occurred_at, x.id),
           whole AS (ordered ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
-- Design section 13: touchpoint health (overall and per segment), hand-offs, paths, key-driver rows.
touchpoint_instance AS (
    SELECT journey_id, segment, touchpoint_id, instance_id, max(instance_satisfaction) AS instance_satisfaction,
           count(*) AS interactions, count(satisfaction) AS rated, sum(satisfaction) AS satisfaction_sum,
           count(*) FILTER (WHERE repeat) AS repeats, count(*) FILTER (WHERE reidentified) AS reidentified,
           count(*) FILTER (WHERE is_last AND outcome = 'abandoned') AS abandoned_after
    FROM interaction
    GROUP BY journey_id, segment, touchpoint_id, instance_id
),
touchpoint_health AS (
    SELECT journey_id, CASE WHEN grouping(segment) = 1 THEN NULL ELSE segment END AS segment, touchpoint_id,
           sum(interactions) AS interactions, count(*) AS instances,
           sum(satisfaction_sum)::float / nullif(sum(rated), 0) AS csat,
           sum(repeats)::float / sum(interactions) AS repeat_rate,
           sum(reidentified)::float / sum(interactions) AS reidentification_rate,
           sum(abandoned_after) AS abandoned_after,
           count(instance_satisfaction) AS reached_rated, sum(instance_satisfaction) AS reached_satisfaction
    FROM touchpoint_instance
    GROUP BY GROUPING SETS ((journey_id, touchpoint_id), (journey_id, segment, touchpoint_id))
),
segment_satisfaction AS (
    SELECT i.journey_id, CASE WHEN grouping(i.segment) = 1 THEN NULL ELSE i.segment END AS segment,
           count(*) AS instances, count(i.satisfaction) AS rated, sum(i.satisfaction) AS satisfaction_sum
    FROM instance i
    GROUP BY GROUPING SETS ((i.journey_id), (i.journey_id, i.segment))
),
handoff AS (
    SELECT journey_id, previous_channel AS from_channel, channel AS to_channel, count(*) AS count,
           count(*) FILTER (WHERE reidentified)::float / count(*) AS reidentification_rate,
           count(*) FILTER (WHERE repeat)::float / count(*) AS repeat_rate,
           avg(satisfaction - previous_satisfaction)::float AS satisfaction_change
    FROM interaction
    WHERE previous_channel IS NOT NULL AND previous_channel <> channel
    GROUP BY journey_id, previous_channel, channel
),
path_instance AS (
    SELECT journey_id, instance_id, max(outcome) AS outcome, max(instance_satisfaction) AS instance_satisfaction,
           string_agg(stage_position::text, '>' ORDER BY step) AS path
    FROM interaction
    WHERE previous_position IS NULL OR previous_position <> stage_position
    GROUP BY journey_id, instance_id
),
path_count AS (
    SELECT journey_id, path, outcome, count(*) AS instances, count(instance_satisfaction) AS rated,
           sum(instance_satisfaction) AS satisfaction_sum
    FROM path_instance
    GROUP BY journey_id, path, outcome
),
driver_row AS (
    SELECT journey_id, instance_id, max(instance_satisfaction) AS satisfaction,
           json_object_agg(stage_position, stage_mean) FILTER (WHERE stage_mean IS NOT NULL) AS stages,
           sum(repeats) AS repeats, sum(reidentified) AS reidentified, sum(handoffs) AS handoffs
    FROM (
        SELECT journey_id, instance_id, stage_position, max(instance_satisfaction) AS instance_satisfaction,
               avg(satisfaction)::float AS stage_mean,
               count(*) FILTER (WHERE repeat) AS repeats, count(*) FILTER (WHERE reidentified) AS reidentified,
               count(*) FILTER (WHERE previous_channel <> channel) AS handoffs
        FROM interaction
        WHERE instance_satisfaction IS NOT NULL
        GROUP BY journey_id, instance_id, stage_position
    ) per_stage
    GROUP BY journey_id, instance_id
),
per_instance AS (
    SELECT instance_id,
           count(*) AS interactions,
           count(*) FILTER (WHERE repeat) AS repeats,
           count(*) FILTER (WHERE reidentified) AS reidentified,
           count(satisfaction) AS rated,
           sum(satisfaction) AS satisfaction_sum,
           count(*) FILTER (WHERE previous_channel IS NOT NULL AND channel <> previous_channel) AS handoffs,
           max(satisfaction) FILTER (WHERE satisfaction IS NOT NULL AND rated_so_far = 1) AS first_rated,
           max(satisfaction) FILTER (WHERE satisfaction IS NOT NULL AND rated_so_far = rated_total) AS last_rated,
           bool_or(channel IN ('web', 'app', 'email', 'chat', 'social')) AS digital,
           bool_or(channel IN ('phone', 'store', 'field', 'mail')) AS assisted,
           max(stage_id) FILTER (WHERE is_last) AS last_stage
    FROM interaction
    GROUP BY instance_id
),
population AS (
    SELECT i.journey_id,
           CASE WHEN grouping(i.segment) = 1 THEN NULL ELSE i.segment END AS segment,
           count(*) AS sample_size,
           avg(i.satisfaction)::float AS journey_csat,
           sum(p.satisfaction_sum)::float / nullif(sum(p.rated), 0) AS touchpoint_csat,
           count(*) FILTER (WHERE i.outcome = 'completed')::float
               / nullif(count(*) FILTER (WHERE i.outcome IN ('completed', 'abandoned')), 0) AS completion_rate,
           count(*) FILTER (WHERE i.on_time)::float / nullif(count(i.on_time), 0) AS on_time_rate,
           coalesce(sum(p.interactions), 0)::float / count(*) AS contacts_per_instance,
           sum(p.repeats)::float / nullif(sum(p.interactions), 0) AS repeat_rate,
           sum(p.reidentified)::float / nullif(sum(p.interactions), 0) AS reidentification_rate,
           coalesce(sum(p.handoffs), 0)::float / count(*) AS handoffs_per_instance,
           avg(p.first_rated) FILTER (WHERE p.rated >= 2)::float AS first_rated,
           avg(p.last_rated) FILTER (WHERE p.rated >= 2)::float AS last_rated,
           count(*) FILTER (WHERE p.digital AND NOT p.assisted) AS digital_only,
           count(*) FILTER (WHERE p.assisted AND NOT p.digital) AS assisted_only,
           count(*) FILTER (WHERE p.digital AND p.assisted) AS cross_channel
    FROM instance i
    LEFT JOIN per_instance p ON p.instance_id = i.id
    GROUP BY GROUPING SETS ((i.journey_id), (i.journey_id, i.segment))
),
components AS (
    SELECT p.*, j.min_sample,
           (p.first_rated - p.last_rated) / nullif(p.first_rated, 0) AS satisfaction_decay
    FROM population p
    JOIN journey j ON j.id = p.journey_id
    -- Instances without a segment count in the overall population only.
    WHERE p.segment IS NULL OR (p.segment <> '' AND p.sample_size >= j.min_sample)
),
scored AS (
    SELECT c.*,
           (c.journey_csat - 1) / 4 * 100 AS journey_csat_score,
           100 * c.completion_rate AS completion_score,
           100 * c.on_time_rate AS on_time_score,
           100 * (1 - c.repeat_rate) AS repeat_score,
           100 * (1 - c.reidentification_rate) AS reidentification_score,
           100 * least(greatest(1 - 2 * greatest(c.satisfaction_decay, 0), 0), 1) AS decay_score
    FROM components c
),
weighted AS (
    SELECT s.*,
           round((
               coalesce(30 * s.journey_csat_score, 0) + coalesce(20 * s.completion_score, 0)
               + coalesce(15 * s.on_time_score, 0) + coalesce(15 * s.repeat_score, 0)
               + coalesce(10 * s.reidentification_score, 0) + coalesce(10 * s.decay_score, 0)
           )::numeric / nullif(
               (s.journey_csat_score IS NOT NULL)::int * 30 + (s.completion_score IS NOT NULL)::int * 20
               + (s.on_time_score IS NOT NULL)::int * 15 + (s.repeat_score IS NOT NULL)::int * 15
               + (s.reidentification_score IS NOT NULL)::int * 10 + (s.decay_score IS NOT NULL)::int * 10, 0
           ), 1) AS score
    FROM scored s
),
stage AS (
    SELECT x.stage_id,
           count(DISTINCT x.instance_id) AS reached,
           count(*) AS interactions,
           avg(x.satisfaction)::float AS csat
    FROM interaction x
    GROUP BY x.stage_id
),
abandoned AS (
    SELECT p.last_stage AS stage_id, count(*) AS abandoned_here
    FROM per_instance p
    JOIN instance i ON i.id = p.instance_id
    WHERE i.outcome = 'abandoned'
    GROUP BY p.last_stage
)
SELECT 'population' AS kind, w.journey_id, coalesce(w.segment, '') AS segment, NULL::bigint AS stage_id,
       json_build_object(
           'sample_size', w.sample_size,
           'score', w.score,
           'status', CASE WHEN w.sample_size < w.min_sample THEN 'insufficient_data'
                          WHEN w.score >= 75 THEN 'healthy'
                          WHEN w.score >= 50 THEN 'at_risk'
                          ELSE 'critical' END,
           'journey_csat', w.journey_csat,
           'touchpoint_csat', w.touchpoint_csat,
           'csat_gap', w.touchpoint_csat - w.journey_csat,
           'completion_rate', w.completion_rate,
           'on_time_rate', w.on_time_rate,
           'contacts_per_instance', w.contacts_per_instance,
           'repeat_rate', w.repeat_rate,
           'reidentification_rate', w.reidentification_rate,
           'handoffs_per_instance', w.handoffs_per_instance,
           'satisfaction_decay', w.satisfaction_decay,
           'channel_mix', json_build_object(
               'digital_only', w.digital_only::float / nullif(w.digital_only + w.assisted_only + w.cross_channel, 0),
               'assisted_only', w.assisted_only::float / nullif(w.digital_only + w.assisted_only + w.cross_channel, 0),
               'cross_channel',
               w.cross_channel::float / nullif(w.digital_only + w.assisted_only + w.cross_channel, 0)
           )
       ) AS figures
FROM weighted w
UNION ALL
SELECT 'stage', st.journey_id, '', st.id,
       json_build_object(
           'reached', coalesce(s.reached, 0),
           'abandoned_here', coalesce(a.abandoned_here, 0),
           'interactions', coalesce(s.interactions, 0),
           'csat', s.csat
       )
FROM journeys_stage st
JOIN journey j ON j.id = st.journey_id
LEFT JOIN stage s ON s.stage_id = st.id
LEFT JOIN abandoned a ON a.stage_id = st.id
UNION ALL
SELECT 'touchpoint', t.journey_id, coalesce(t.segment, ''), t.touchpoint_id,
       json_build_object(
           'interactions', t.interactions,
           'instances', t.instances,
           'reach', t.instances::float / p.instances,
           'csat', t.csat,
           'repeat_rate', t.repeat_rate,
           'reidentification_rate', t.reidentification_rate,
           'abandoned_after', t.abandoned_after,
           'journey_csat_reached', t.reached_satisfaction::float / nullif(t.reached_rated, 0),
           'journey_csat_not_reached',
           (p.satisfaction_sum - coalesce(t.reached_satisfaction, 0))::float / nullif(p.rated - t.reached_rated, 0)
       )
FROM touchpoint_health t
JOIN segment_satisfaction p ON p.journey_id = t.journey_id AND p.segment IS NOT DISTINCT FROM t.segment
UNION ALL
SELECT 'handoff', h.journey_id, h.from_channel || '>' || h.to_channel, NULL,
       json_build_object(
           'count', h.count, 'reidentification_rate', h.reidentification_rate, 'repeat_rate', h.repeat_rate,
           'satisfaction_change', h.satisfaction_change
       )
FROM handoff h
UNION ALL
SELECT 'path', c.journey_id, c.path, NULL,
       json_build_object('outcome', c.outcome, 'instances', c.instances, 'rated', c.rated,
                         'satisfaction', c.satisfaction_sum)
FROM path_count c
UNION ALL
SELECT 'driver', d.journey_id, '', d.instance_id,
       json_build_object('satisfaction', d.satisfaction, 'stages', d.stages, 'repeats', d.repeats,
                         'reidentified', d.reidentified, 'handoffs', d.handoffs)
FROM driver_row d
