-- True when customer_profiles holds one row per customer. Portable.
SELECT COUNT(*) = 0 AS one_row_per_customer
FROM (SELECT customer_id FROM customer_profiles GROUP BY customer_id HAVING COUNT(*) > 1) duplicated
