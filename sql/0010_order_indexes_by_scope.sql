-- Measured with the benchmark's index scenario (bench/run.sh indexes) over a million orders.
--
-- The claim pool and the staff lists filter by status within an area (a member's communities, a secretary's
-- community): with the area in the index they read that area's orders of the status, not every order of the
-- status in the city (the pool read 33,334 index rows for one community's page). Deadlines stay in the index
-- for the pool's "soonest first" and the overdue filters.
ALTER TABLE service_order
  DROP INDEX ix_service_order_status_due,
  ADD INDEX ix_service_order_status_area_due (status, area_path, resolve_due_at);

-- A member's claims by when they were claimed: the participation check asks "anything since that date?" per member
-- (it read 480,409 rows of the all-members claim-date index); the check before a claim and the summaries read a
-- member's few claims either way.
ALTER TABLE service_order
  DROP INDEX ix_service_order_claimer,
  ADD INDEX ix_service_order_claimer (claimer_person_id, claimed_at);
