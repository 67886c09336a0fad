-- True when segment_summary holds one row per window and segment. Portable.
SELECT COUNT(*) = 0 AS one_row_per_window_key
FROM (SELECT window_start, age_band, preferred_language, email_domain
      FROM segment_summary
      GROUP BY window_start, age_band, preferred_language, email_domain
      HAVING COUNT(*) > 1) duplicated
