-- The purchase funnel per segment and window: distinct viewers, cart adders and buyers, each step counted on its
-- own as in the Streams stage, and the rates between them (null without a denominator). One contributions stream
-- takes all three steps: a contribution names its user in its own step's column and '' in the two others.

CREATE STREAM funnel_contributions
  WITH (KAFKA_TOPIC='ksql_funnel_contributions', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         'funnel' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         `user_id` AS `viewer_id`,
         '' AS `cart_adder_id`,
         '' AS `buyer_id`
  FROM item_view_segmented
  EMIT CHANGES;

INSERT INTO funnel_contributions
  SELECT `user_key`,
         'funnel' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         '' AS `viewer_id`,
         `user_id` AS `cart_adder_id`,
         '' AS `buyer_id`
  FROM add_to_cart_segmented
  EMIT CHANGES;

INSERT INTO funnel_contributions
  SELECT `user_key`,
         'funnel' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`,
         '' AS `viewer_id`,
         '' AS `cart_adder_id`,
         `user_id` AS `buyer_id`
  FROM check_out_segmented
  EMIT CHANGES;

-- The same contributions again for the total over all segments ('all' in every segment field).
INSERT INTO funnel_contributions
  SELECT `user_key`,
         'funnel' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         `user_id` AS `viewer_id`,
         '' AS `cart_adder_id`,
         '' AS `buyer_id`
  FROM item_view_segmented
  EMIT CHANGES;

INSERT INTO funnel_contributions
  SELECT `user_key`,
         'funnel' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         '' AS `viewer_id`,
         `user_id` AS `cart_adder_id`,
         '' AS `buyer_id`
  FROM add_to_cart_segmented
  EMIT CHANGES;

INSERT INTO funnel_contributions
  SELECT `user_key`,
         'funnel' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`,
         '' AS `viewer_id`,
         '' AS `cart_adder_id`,
         `user_id` AS `buyer_id`
  FROM check_out_segmented
  EMIT CHANGES;

-- The windowed table: key (metric, segment) plus ksqlDB's window start; value with the field names of the Streams
-- stage's Avro schema. ksqlDB keeps GROUP BY columns in the key only, so they are named segment_* there and copied
-- into the value under the Streams names with AS_VALUE. EMIT FINAL gives one row per window and segment once stream
-- time passes the window's end plus the grace period, as the Streams stage's onWindowClose does.
CREATE TABLE segment_funnel
  WITH (KAFKA_TOPIC='ksql_segment_funnel', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS
  SELECT `metric`,
         `segment_age_band`,
         `segment_preferred_language`,
         `segment_email_domain`,
         FROM_UNIXTIME(WINDOWSTART) AS `window_start`,
         FROM_UNIXTIME(WINDOWEND) AS `window_end`,
         AS_VALUE(`segment_age_band`) AS `age_band`,
         AS_VALUE(`segment_preferred_language`) AS `preferred_language`,
         AS_VALUE(`segment_email_domain`) AS `email_domain`,
         CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`viewer_id`), '')) AS BIGINT) AS `viewers`,
         CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`cart_adder_id`), '')) AS BIGINT) AS `cart_adders`,
         CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`buyer_id`), '')) AS BIGINT) AS `buyers`,
         CASE WHEN ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`viewer_id`), '')) = 0 THEN CAST(NULL AS DOUBLE)
              ELSE CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`cart_adder_id`), '')) AS DOUBLE) / ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`viewer_id`), '')) END AS `view_to_cart_rate`,
         CASE WHEN ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`cart_adder_id`), '')) = 0 THEN CAST(NULL AS DOUBLE)
              ELSE CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`buyer_id`), '')) AS DOUBLE) / ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`cart_adder_id`), '')) END AS `cart_to_check_out_rate`,
         CASE WHEN ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`viewer_id`), '')) = 0 THEN CAST(NULL AS DOUBLE)
              ELSE CAST(ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`buyer_id`), '')) AS DOUBLE) / ARRAY_LENGTH(ARRAY_REMOVE(COLLECT_SET(`viewer_id`), '')) END AS `view_to_check_out_rate`,
         FROM_UNIXTIME(UNIX_TIMESTAMP()) AS `emitted_at`
  FROM funnel_contributions
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)
  GROUP BY `metric`, `segment_age_band`, `segment_preferred_language`, `segment_email_domain`
  EMIT FINAL;
