-- The simulator's six event topics as ksqlDB streams.
--
-- Keys are the user id as plain text (the simulator writes them with StringConverter, hence KEY_FORMAT='KAFKA');
-- values are Avro in Confluent's wire format. Each stream declares only the columns the metrics read, so a writer
-- that adds a field changes nothing here. Column names are quoted: ksqlDB upper-cases unquoted names, and the
-- events' Avro fields, like the aggregates' output fields, are lower-case.
--
-- Every record's timestamp is its event time (the simulator stamps it), so ROWTIME, which the windows use, is
-- event time as in the Streams stage. The simulator's watermark records carry no value: their columns are null,
-- and the WHERE clause of every query that reads these streams drops them.

CREATE STREAM user_registration_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT,
  `age` INT,
  `preferred_language` VARCHAR,
  `email_domain` VARCHAR
) WITH (KAFKA_TOPIC='user_registration', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');

CREATE STREAM sign_in_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT,
  `session_id` VARCHAR
) WITH (KAFKA_TOPIC='sign_in', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');

CREATE STREAM sign_out_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT,
  `session_id` VARCHAR
) WITH (KAFKA_TOPIC='sign_out', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');

CREATE STREAM item_view_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT
) WITH (KAFKA_TOPIC='item_view', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');

CREATE STREAM add_to_cart_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT
) WITH (KAFKA_TOPIC='add_to_cart', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');

CREATE STREAM check_out_events (
  `user_key` VARCHAR KEY,
  `event_id` VARCHAR,
  `user_id` VARCHAR,
  `event_time` TIMESTAMP,
  `schema_version` INT,
  `total_cents` BIGINT
) WITH (KAFKA_TOPIC='check_out', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');
