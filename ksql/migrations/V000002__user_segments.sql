-- Each user's segment, from their registration, and the segment lookup the other events join.
--
-- Valid registrations only: the Streams stage sends events with an empty user_id or a schema_version below 1
-- (the simulator's malformed events) to its dead-letter topic, so they count nowhere here either.
-- Age bands are those of dev.segmentation.window.Segment: under-18, 18-24, then ten years wide from 25, and 65+.

CREATE STREAM registration_segments
  WITH (KAFKA_TOPIC='ksql_registration_segments', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         `event_id`,
         `user_id`,
         `event_time`,
         CASE
           WHEN `age` < 18 THEN 'under-18'
           WHEN `age` < 25 THEN '18-24'
           WHEN `age` >= 65 THEN '65+'
           ELSE CONCAT(CAST((`age` - 25) / 10 * 10 + 25 AS VARCHAR), '-', CAST((`age` - 25) / 10 * 10 + 34 AS VARCHAR))
         END AS `age_band`,
         `preferred_language`,
         `email_domain`
  FROM user_registration_events
  WHERE `user_id` <> '' AND `schema_version` >= 1
  EMIT CHANGES;

-- Keyed by the user id like the event topics, with as many partitions as the registration topic, so every event
-- stream below joins it without a repartition. A table, not a window: it is not a metric.
CREATE TABLE user_segment_lookup
  WITH (KAFKA_TOPIC='ksql_user_segment_lookup', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         LATEST_BY_OFFSET(`age_band`) AS `age_band`,
         LATEST_BY_OFFSET(`preferred_language`) AS `preferred_language`,
         LATEST_BY_OFFSET(`email_domain`) AS `email_domain`
  FROM registration_segments
  GROUP BY `user_key`
  EMIT CHANGES;
