-- Registrations per segment and window. The segment is the registration's own: no lookup is involved.

CREATE STREAM registrations_contributions
  WITH (KAFKA_TOPIC='ksql_registrations_contributions', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
  SELECT `user_key`,
         'registrations' AS `metric`,
         `age_band` AS `segment_age_band`,
         `preferred_language` AS `segment_preferred_language`,
         `email_domain` AS `segment_email_domain`
  FROM registration_segments
  EMIT CHANGES;

-- The same contributions again for the total over all segments ('all' in every segment field).
INSERT INTO registrations_contributions
  SELECT `user_key`,
         'registrations' AS `metric`,
         'all' AS `segment_age_band`,
         'all' AS `segment_preferred_language`,
         'all' AS `segment_email_domain`
  FROM registration_segments
  EMIT CHANGES;

-- The windowed table: key (metric, segment) plus ksqlDB's window start; value with the field names of the Streams
-- stage's Avro schema. ksqlDB keeps GROUP BY columns in the key only, so they are named segment_* there and copied
-- into the value under the Streams names with AS_VALUE. EMIT FINAL gives one row per window and segment once stream
-- time passes the window's end plus the grace period, as the Streams stage's onWindowClose does.
CREATE TABLE segment_registrations
  WITH (KAFKA_TOPIC='ksql_segment_registrations', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS
  SELECT `metric`,
         `segment_age_band`,
         `segment_preferred_language`,
         `segment_email_domain`,
         FROM_UNIXTIME(WINDOWSTART) AS `window_start`,
         FROM_UNIXTIME(WINDOWEND) AS `window_end`,
         AS_VALUE(`segment_age_band`) AS `age_band`,
         AS_VALUE(`segment_preferred_language`) AS `preferred_language`,
         AS_VALUE(`segment_email_domain`) AS `email_domain`,
         COUNT(*) AS `registrations`,
         FROM_UNIXTIME(UNIX_TIMESTAMP()) AS `emitted_at`
  FROM registrations_contributions
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)
  GROUP BY `metric`, `segment_age_band`, `segment_preferred_language`, `segment_email_domain`
  EMIT FINAL;
