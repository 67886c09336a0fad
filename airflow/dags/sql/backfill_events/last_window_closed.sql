-- 1 once the Streams stage's window starting in the range's last 15 minutes has reached the warehouse: the run's
-- watermark closed it, and every earlier window of the range closed before it. Portable (PostgreSQL, Snowflake).
SELECT COUNT(*)
FROM segment_registrations
WHERE age_band = 'all' AND preferred_language = 'all' AND email_domain = 'all'
  AND window_start = TIMESTAMP '{{ ti.xcom_pull(task_ids="plan")["last_window_start"] }}'
