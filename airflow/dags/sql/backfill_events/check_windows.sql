-- One row of booleans over the closed windows (total over all segments) that overlap the range:
--   some_windows_closed     at least the range's last window is there;
--   never_over_counted      no window counts more registrations than the raw table holds in it;
--   exact_where_not_late    a window in which the stage counted no late event counts exactly the raw ones
--                           (unless the param exact_windows is false).
-- Events the stage received after their window closed are in segment_late_events, by design, never lost
-- silently; a window with late events may therefore count fewer. Portable (PostgreSQL, Snowflake).
{% set plan = ti.xcom_pull(task_ids="plan") %}
WITH windows AS (
  SELECT w.window_start, w.window_end, w.registrations,
         (SELECT COUNT(*) FROM raw_user_registration r
           WHERE r.event_time >= w.window_start AND r.event_time < w.window_end) AS raw_registrations,
{% if ti.xcom_pull(task_ids="late_events_table") %}
         (SELECT COALESCE(SUM(l.late_events), 0) FROM segment_late_events l
           WHERE l.age_band = 'all' AND l.preferred_language = 'all' AND l.email_domain = 'all'
             AND l.window_start = w.window_start) AS late_events
{% else %}
         0 AS late_events
{% endif %}
  FROM segment_registrations w
  WHERE w.age_band = 'all' AND w.preferred_language = 'all' AND w.email_domain = 'all'
    AND w.window_end > TIMESTAMP '{{ plan["start"] }}' AND w.window_start < TIMESTAMP '{{ plan["end"] }}'
)
SELECT
  COUNT(*) > 0 AS some_windows_closed,
  COALESCE(SUM(CASE WHEN registrations > raw_registrations THEN 1 ELSE 0 END), 0) = 0 AS never_over_counted,
{% if params.exact_windows %}
  COALESCE(SUM(CASE WHEN late_events = 0 AND registrations <> raw_registrations THEN 1 ELSE 0 END), 0) = 0
{% else %}
  TRUE
{% endif %}
    AS exact_where_not_late
FROM windows
