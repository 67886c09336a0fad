-- Sessions ended by a sign-out, per segment and window, with their mean and 95th-percentile duration.
-- A session is a sign-in joined with the sign-out of the same session_id; the joined row carries the later of the two
-- timestamps, the sign-out's, so the session counts in the windows of its end, as in the Streams stage. Sessions
-- without a sign-out are not counted: closing them after segmentation.session.timeout.ms of inactivity needs the
-- session's last event and an event-time timer, which ksqlDB cannot express (see ksql/README.md).
CREATE STREAM session_ends
  WITH (KAFKA_TOPIC='ksql_session_ends', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT i.`session_id` AS `session_id`,
         i.`age_band` AS `age_band`,
         i.`preferred_language` AS `preferred_language`,
         i.`email_domain` AS `email_domain`,
         UNIX_TIMESTAMP(o.`event_time`) - UNIX_TIMESTAMP(i.`event_time`) AS `duration_ms`
  FROM sign_in_segmented i
  JOIN sign_out_events o WITHIN (0 SECONDS, 12 HOURS) GRACE PERIOD 15 MINUTES ON i.`session_id` = o.`session_id`
  WHERE o.`user_id` <> '' AND o.`schema_version` >= 1
  EMIT CHANGES;

-- Each ended session's contribution, for its segment and for the total.

CREATE STREAM sessions_contributions
  WITH (KAFKA_TOPIC='ksql_sessions_contributions', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `session_id`,
         'sessions' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         `duration_ms` AS `duration_ms`
  FROM session_ends
  EMIT CHANGES;

-- The same contributions again for the total over all segments ('all' in every segment field).
INSERT INTO sessions_contributions
  SELECT `session_id`,
         'sessions' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         `duration_ms` AS `duration_ms`
  FROM session_ends
  EMIT CHANGES;

-- The windowed table: key (metric, segment) plus ksqlDB's window start; value with the field names of the Streams
-- stage's Avro schema. ksqlDB keeps GROUP BY columns in the key only, so they are named segment_* there and copied
-- into the value under the Streams names with AS_VALUE. EMIT FINAL gives one row per window and segment once stream
-- time passes the window's end plus the grace period, as the Streams stage's onWindowClose does.
CREATE TABLE segment_sessions
  WITH (KAFKA_TOPIC='ksql_segment_sessions', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS
  SELECT `metric`,
         `segment_age_band`,
         `segment_preferred_language`,
         `segment_email_domain`,
         FROM_UNIXTIME(WINDOWSTART) AS `window_start`,
         FROM_UNIXTIME(WINDOWEND) AS `window_end`,
         AS_VALUE(`segment_age_band`) AS `age_band`,
         AS_VALUE(`segment_preferred_language`) AS `preferred_language`,
         AS_VALUE(`segment_email_domain`) AS `email_domain`,
         COUNT(*) AS `sessions`,
         AVG(`duration_ms`) AS `avg_duration_ms`,
         CAST(ARRAY_SORT(COLLECT_LIST(`duration_ms`))[CAST((95 * COUNT(*) + 99) / 100 AS INT)] AS BIGINT) AS `p95_duration_ms`,
         FROM_UNIXTIME(UNIX_TIMESTAMP()) AS `emitted_at`
  FROM sessions_contributions
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)
  GROUP BY `metric`, `segment_age_band`, `segment_preferred_language`, `segment_email_domain`
  EMIT FINAL;
