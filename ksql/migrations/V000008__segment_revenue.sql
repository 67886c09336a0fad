-- Check-out revenue, orders and average order value per segment and window.

CREATE STREAM revenue_contributions
  WITH (KAFKA_TOPIC='ksql_revenue_contributions', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         'revenue' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         `total_cents` AS `total_cents`
  FROM check_out_segmented
  EMIT CHANGES;

-- The same contributions again for the total over all segments ('all' in every segment field).
INSERT INTO revenue_contributions
  SELECT `user_key`,
         'revenue' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         `total_cents` AS `total_cents`
  FROM check_out_segmented
  EMIT CHANGES;

-- The windowed table: key (metric, segment) plus ksqlDB's window start; value with the field names of the Streams
-- stage's Avro schema. ksqlDB keeps GROUP BY columns in the key only, so they are named segment_* there and copied
-- into the value under the Streams names with AS_VALUE. EMIT FINAL gives one row per window and segment once stream
-- time passes the window's end plus the grace period, as the Streams stage's onWindowClose does.
CREATE TABLE segment_revenue
  WITH (KAFKA_TOPIC='ksql_segment_revenue', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS
  SELECT `metric`,
         `segment_age_band`,
         `segment_preferred_language`,
         `segment_email_domain`,
         FROM_UNIXTIME(WINDOWSTART) AS `window_start`,
         FROM_UNIXTIME(WINDOWEND) AS `window_end`,
         AS_VALUE(`segment_age_band`) AS `age_band`,
         AS_VALUE(`segment_preferred_language`) AS `preferred_language`,
         AS_VALUE(`segment_email_domain`) AS `email_domain`,
         SUM(`total_cents`) AS `revenue_cents`,
         COUNT(*) AS `orders`,
         CAST(SUM(`total_cents`) AS DOUBLE) / COUNT(*) AS `average_order_cents`,
         FROM_UNIXTIME(UNIX_TIMESTAMP()) AS `emitted_at`
  FROM revenue_contributions
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)
  GROUP BY `metric`, `segment_age_band`, `segment_preferred_language`, `segment_email_domain`
  EMIT FINAL;
