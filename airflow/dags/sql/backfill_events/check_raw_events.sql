-- One row, one boolean: the raw event tables hold, for the range, exactly the events the run sent (at most as
-- many when the run sends duplicates or malformed events, which the tables hold once or not at all).
-- events.sent comes from the connector's committed offsets, read by wait_finished. Portable.
{% set plan = ti.xcom_pull(task_ids="plan") %}
{% set sent = ti.xcom_pull(task_ids="wait_finished")["events_sent"] | int %}
SELECT stored {{ "=" if plan["exact"] else "<=" }} {{ sent }} AND stored > 0 AS raw_events_match_the_run
FROM (
  SELECT
    (SELECT COUNT(*) FROM raw_user_registration WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  + (SELECT COUNT(*) FROM raw_sign_in WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  + (SELECT COUNT(*) FROM raw_sign_out WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  + (SELECT COUNT(*) FROM raw_item_view WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  + (SELECT COUNT(*) FROM raw_add_to_cart WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  + (SELECT COUNT(*) FROM raw_check_out WHERE event_time >= TIMESTAMP '{{ plan["start"] }}' AND event_time < TIMESTAMP '{{ plan["end"] }}')
  AS stored
) counted
