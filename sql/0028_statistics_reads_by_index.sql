-- Two reads of the statistics that scanned the orders: the day's resolution deadlines (no index led with
-- resolve_due_at, so a day read 1,000,000 index entries to find 2,700) and the dashboard's live counts of a place's open
-- orders (urgency, escalation level and creation time were read from each row). The board's index gains those columns
-- so the live counts read the index alone; its prefix serves the order board as before.
ALTER TABLE service_order
  ADD KEY ix_service_order_resolve_due (resolve_due_at),
  DROP INDEX ix_service_order_status_area_due,
  ADD KEY ix_service_order_status_area_due (status, area_path, resolve_due_at, urgency, escalation_level, created_at);
