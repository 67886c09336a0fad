-- Every event that a metric counts, with its user's segment: a left join of each event stream with the lookup
-- table, on the user id that keys both. A user whose registration is not in the table yet when the event is
-- processed lands in the 'unknown' segment, for good: this join looks the segment up once, in processing order,
-- where the Streams stage holds such events back until its grace period has passed (see ksql/README.md).

CREATE STREAM sign_in_segmented
  WITH (KAFKA_TOPIC='ksql_sign_in_segmented', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT e.`user_key` AS `user_key`,
         e.`user_id` AS `user_id`,
         e.`event_time` AS `event_time`,
         e.`session_id` AS `session_id`,
         COALESCE(u.`age_band`, 'unknown') AS `age_band`,
         COALESCE(u.`preferred_language`, 'unknown') AS `preferred_language`,
         COALESCE(u.`email_domain`, 'unknown') AS `email_domain`
  FROM sign_in_events e
  LEFT JOIN user_segment_lookup u ON e.`user_key` = u.`user_key`
  WHERE e.`user_id` <> '' AND e.`schema_version` >= 1
  EMIT CHANGES;

CREATE STREAM item_view_segmented
  WITH (KAFKA_TOPIC='ksql_item_view_segmented', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT e.`user_key` AS `user_key`,
         e.`user_id` AS `user_id`,
         e.`event_time` AS `event_time`,
         COALESCE(u.`age_band`, 'unknown') AS `age_band`,
         COALESCE(u.`preferred_language`, 'unknown') AS `preferred_language`,
         COALESCE(u.`email_domain`, 'unknown') AS `email_domain`
  FROM item_view_events e
  LEFT JOIN user_segment_lookup u ON e.`user_key` = u.`user_key`
  WHERE e.`user_id` <> '' AND e.`schema_version` >= 1
  EMIT CHANGES;

CREATE STREAM add_to_cart_segmented
  WITH (KAFKA_TOPIC='ksql_add_to_cart_segmented', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT e.`user_key` AS `user_key`,
         e.`user_id` AS `user_id`,
         e.`event_time` AS `event_time`,
         COALESCE(u.`age_band`, 'unknown') AS `age_band`,
         COALESCE(u.`preferred_language`, 'unknown') AS `preferred_language`,
         COALESCE(u.`email_domain`, 'unknown') AS `email_domain`
  FROM add_to_cart_events e
  LEFT JOIN user_segment_lookup u ON e.`user_key` = u.`user_key`
  WHERE e.`user_id` <> '' AND e.`schema_version` >= 1
  EMIT CHANGES;

CREATE STREAM check_out_segmented
  WITH (KAFKA_TOPIC='ksql_check_out_segmented', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT e.`user_key` AS `user_key`,
         e.`user_id` AS `user_id`,
         e.`event_time` AS `event_time`,
         e.`total_cents` AS `total_cents`,
         COALESCE(u.`age_band`, 'unknown') AS `age_band`,
         COALESCE(u.`preferred_language`, 'unknown') AS `preferred_language`,
         COALESCE(u.`email_domain`, 'unknown') AS `email_domain`
  FROM check_out_events e
  LEFT JOIN user_segment_lookup u ON e.`user_key` = u.`user_key`
  WHERE e.`user_id` <> '' AND e.`schema_version` >= 1
  EMIT CHANGES;
