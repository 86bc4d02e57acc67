-- An urgent report alerts the grid workers and the secretary at once; if nobody acknowledges it (the acknowledge
-- action, or any staff triage that moves it on from 'submitted') within its category's urgent acknowledge window,
-- the alert repeats one level up: the street. urgent_alert_next_at is when the next level is due (NULL: nothing
-- left to do), so the scan reads an index range.
ALTER TABLE service_order
  ADD COLUMN urgent_acked_at      DATETIME(3) NULL COMMENT 'when staff acknowledged the urgent alert',
  ADD COLUMN urgent_acked_by      BIGINT      NULL COMMENT 'who acknowledged it',
  ADD COLUMN urgent_alert_level   INT         NOT NULL DEFAULT 0 COMMENT '1 grid and secretary, 2 the street',
  ADD COLUMN urgent_alert_next_at DATETIME(3) NULL COMMENT 'when the next level is due if still unacknowledged',
  ADD KEY ix_service_order_urgent_alert (urgent_alert_next_at);
