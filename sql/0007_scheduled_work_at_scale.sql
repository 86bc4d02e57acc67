-- Scheduled work that stays cheap at a million orders, a record of every job run, and the place each
-- delivery concerns (so staff see failed and dead notices in their own area).

-- When the next deadline reminder of an open order is due. Set to the half-way point whenever a deadline
-- is set (report, reopen, extension); the reminder job moves it on to "a day before" and then clears it,
-- so each pass reads only the orders that need a reminder now, through this index.
ALTER TABLE service_order
  ADD COLUMN next_remind_at DATETIME(3) NULL,
  ADD COLUMN followed_up_at DATETIME(3) NULL COMMENT '回访: when the resident was reminded to rate the resolved order';
CREATE INDEX ix_service_order_next_remind ON service_order (next_remind_at);
UPDATE service_order
   SET next_remind_at = TIMESTAMPADD(SECOND, TIMESTAMPDIFF(SECOND, created_at, resolve_due_at) DIV 2, created_at)
 WHERE status IN ('submitted','accepted','published','claimed','in_progress');

-- The weekly digest counts a week of claims, resolutions, ratings and new reports for everyone at once, as
-- index ranges over that week instead of one look-up per member and per community.
CREATE INDEX ix_service_order_claimed ON service_order (claimed_at, claimer_person_id, claimer_unit_id);
CREATE INDEX ix_service_order_created ON service_order (created_at);
CREATE INDEX ix_order_event_kind_created ON order_event (kind, created_at, actor_id);

-- One row per scheduled fire, written by every node's scheduler. The key is the job and the time Quartz
-- scheduled the fire for, so a fire that ran on two nodes, or was re-run by recovery after a node died,
-- shows as runs > 1. Kept for JobRuns:RetentionDays.
CREATE TABLE job_run (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  job_name     VARCHAR(100) NOT NULL,
  scheduled_at DATETIME(3)  NOT NULL,
  node         VARCHAR(200) NOT NULL,
  runs         INT          NOT NULL DEFAULT 1,
  outcome      VARCHAR(10)  NOT NULL,
  result       VARCHAR(500) NULL,
  started_at   DATETIME(3)  NOT NULL,
  finished_at  DATETIME(3)  NULL,
  CONSTRAINT ck_job_run_outcome CHECK (outcome IN ('running','ok','failed')),
  UNIQUE KEY ux_job_run (job_name, scheduled_at),
  KEY ix_job_run_started (started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The area a notice is about (the order's place, the broadcast's audience, else the recipient's home or
-- community), so failed and dead deliveries are listed to the staff of that area.
ALTER TABLE delivery ADD COLUMN area_path VARCHAR(255) NULL;
CREATE INDEX ix_delivery_status_area ON delivery (status, area_path);

-- The outbox is drained by a dispatcher on every jobs node (SKIP LOCKED lets them share it), no longer by
-- a Quartz job, which the cluster would have run on one node at a time. Remove the stored job and trigger.
DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE TRIGGER_GROUP = 'governance' AND TRIGGER_NAME = 'dispatch-outbox';
DELETE FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'governance' AND TRIGGER_NAME = 'dispatch-outbox';
DELETE FROM QRTZ_JOB_DETAILS WHERE JOB_GROUP = 'governance' AND JOB_NAME = 'dispatch-outbox';
