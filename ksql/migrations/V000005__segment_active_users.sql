-- Distinct users who signed in, per segment and window. COLLECT_SET keeps every distinct user id of a window
-- (ksqlDB's COUNT_DISTINCT is an estimate), up to ksql.functions.collect_set.limit, which the server must raise
-- above the busiest window's users (docker-compose.yml sets it to 1,000,000).

CREATE STREAM active_users_contributions
  WITH (KAFKA_TOPIC='ksql_active_users_contributions', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         'active_users' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         `user_id` AS `user_id`
  FROM sign_in_segmented
  EMIT CHANGES;

-- The same contributions again for the total over all segments ('all' in every segment field).
INSERT INTO active_users_contributions
  SELECT `user_key`,
         'active_users' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         `user_id` AS `user_id`
  FROM sign_in_segmented
  EMIT CHANGES;

-- The windowed table: key (metric, segment) plus ksqlDB's window start; value with the field names of the Streams
-- stage's Avro schema. ksqlDB keeps GROUP BY columns in the key only, so they are named segment_* there and copied
-- into the value under the Streams names with AS_VALUE. EMIT FINAL gives one row per window and segment once stream
-- time passes the window's end plus the grace period, as the Streams stage's onWindowClose does.
CREATE TABLE segment_active_users
  WITH (KAFKA_TOPIC='ksql_segment_active_users', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS
  SELECT `metric`,
         `segment_age_band`,
         `segment_preferred_language`,
         `segment_email_domain`,
         FROM_UNIXTIME(WINDOWSTART) AS `window_start`,
         FROM_UNIXTIME(WINDOWEND) AS `window_end`,
         AS_VALUE(`segment_age_band`) AS `age_band`,
         AS_VALUE(`segment_preferred_language`) AS `preferred_language`,
         AS_VALUE(`segment_email_domain`) AS `email_domain`,
         CAST(ARRAY_LENGTH(COLLECT_SET(`user_id`)) AS BIGINT) AS `active_users`,
         FROM_UNIXTIME(UNIX_TIMESTAMP()) AS `emitted_at`
  FROM active_users_contributions
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)
  GROUP BY `metric`, `segment_age_band`, `segment_preferred_language`, `segment_email_domain`
  EMIT FINAL;
