-- Portable DDL: PostgreSQL and Snowflake both take these types (Snowflake maps DOUBLE PRECISION to FLOAT,
-- TIMESTAMP to TIMESTAMP_NTZ). customer_profiles has no key on purpose: it is loaded as given, and the
-- data-quality checks, not a constraint, report a duplicate customer.
CREATE TABLE IF NOT EXISTS customer_profiles (
  customer_id          VARCHAR(64),
  age_band             VARCHAR(16) NOT NULL,
  preferred_language   VARCHAR(8)  NOT NULL,
  email_domain         VARCHAR(255) NOT NULL,
  lifetime_value_cents BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS segment_summary (
  window_start               TIMESTAMP NOT NULL,
  window_end                 TIMESTAMP NOT NULL,
  age_band                   VARCHAR(16) NOT NULL,
  preferred_language         VARCHAR(8)  NOT NULL,
  email_domain               VARCHAR(255) NOT NULL,
  registrations              BIGINT NOT NULL,
  viewers                    BIGINT NOT NULL,
  buyers                     BIGINT NOT NULL,
  view_to_check_out_rate     DOUBLE PRECISION,
  revenue_cents              BIGINT NOT NULL,
  customers                  BIGINT NOT NULL,
  customer_share             DOUBLE PRECISION NOT NULL,
  revenue_per_customer_cents DOUBLE PRECISION
);
