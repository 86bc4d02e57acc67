-- The follow-up (回访) job looks for resolved orders whose resident has not been asked to rate yet; with this index it
-- reads only those, not every resolved order of the last week (bench/: 40 ms a pass at a million orders, now ~1 ms).
CREATE INDEX ix_service_order_followup ON service_order (status, followed_up_at, resolved_at);
