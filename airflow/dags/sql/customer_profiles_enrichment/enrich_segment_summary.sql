-- Rebuilds segment_summary from the Streams stage's closed windows (segment_funnel, segment_registrations,
-- segment_revenue) and the customer profiles of each segment. Only real segments: the total over all segments
-- (fields 'all') has no profiles of its own. Portable: subqueries instead of a CTE ahead of INSERT, CAST and
-- CASE instead of dialect functions.
DELETE FROM segment_summary;
INSERT INTO segment_summary (window_start, window_end, age_band, preferred_language, email_domain,
                             registrations, viewers, buyers, view_to_check_out_rate, revenue_cents,
                             customers, customer_share, revenue_per_customer_cents)
SELECT f.window_start, f.window_end, f.age_band, f.preferred_language, f.email_domain,
       COALESCE(r.registrations, 0), f.viewers, f.buyers, f.view_to_check_out_rate,
       COALESCE(v.revenue_cents, 0),
       COALESCE(p.customers, 0),
       CASE WHEN t.customers > 0 THEN CAST(COALESCE(p.customers, 0) AS DOUBLE PRECISION) / t.customers ELSE 0 END,
       CASE WHEN p.customers > 0 THEN CAST(COALESCE(v.revenue_cents, 0) AS DOUBLE PRECISION) / p.customers END
FROM segment_funnel f
LEFT JOIN segment_registrations r
  ON r.window_start = f.window_start AND r.age_band = f.age_band
 AND r.preferred_language = f.preferred_language AND r.email_domain = f.email_domain
LEFT JOIN segment_revenue v
  ON v.window_start = f.window_start AND v.age_band = f.age_band
 AND v.preferred_language = f.preferred_language AND v.email_domain = f.email_domain
LEFT JOIN (SELECT age_band, preferred_language, email_domain, COUNT(*) AS customers
           FROM customer_profiles GROUP BY age_band, preferred_language, email_domain) p
  ON p.age_band = f.age_band AND p.preferred_language = f.preferred_language AND p.email_domain = f.email_domain
CROSS JOIN (SELECT COUNT(*) AS customers FROM customer_profiles) t
WHERE f.age_band <> 'all';
