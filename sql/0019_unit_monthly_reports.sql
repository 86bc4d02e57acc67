-- 同江: each unit serving a community reports its joint work there every month (what it did, people, hours,
-- resources opened), due on the 5th of the next month; reminded before, escalated to the secretary when late; the
-- secretary reviews it.
CREATE TABLE unit_report (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  unit_id      BIGINT        NOT NULL,
  community_id BIGINT        NOT NULL,
  month        CHAR(7)       NOT NULL COMMENT 'YYYY-MM, the month reported on',
  content      VARCHAR(2000) NOT NULL,
  people       INT           NOT NULL,
  hours        DECIMAL(8,1)  NOT NULL,
  resources    VARCHAR(500)  NOT NULL DEFAULT '',
  status       VARCHAR(10)   NOT NULL COMMENT 'submitted, accepted, returned',
  late         TINYINT(1)    NOT NULL DEFAULT 0,
  submitted_by BIGINT        NOT NULL,
  submitted_at DATETIME(3)   NOT NULL,
  reviewed_by  BIGINT        NULL,
  reviewed_at  DATETIME(3)   NULL,
  review_note  VARCHAR(200)  NULL,
  UNIQUE KEY ux_unit_report_month (unit_id, community_id, month),
  KEY ix_unit_report_community (community_id, month),
  CONSTRAINT fk_unit_report_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_unit_report_community FOREIGN KEY (community_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
