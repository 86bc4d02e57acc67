-- When a unit's resource is open, and to whom ("1+3" in Tongjiang: the unit's own staff on working days, other units
-- after hours, residents free on rest days). A resource with no rule is open to the community at any hour, as before.
-- days is read on the working-day calendar (work_calendar), so a make-up Saturday counts as a working day and a
-- holiday Monday as a rest day. closes may be 24:00:00.
CREATE TABLE resource_rule (
  id       BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item_id  BIGINT      NOT NULL,
  audience VARCHAR(12) NOT NULL COMMENT 'own_staff, other_unit, community, resident',
  days     VARCHAR(10) NOT NULL COMMENT 'workday, rest_day, any',
  opens    TIME        NOT NULL,
  closes   TIME        NOT NULL,
  KEY ix_resource_rule_item (item_id, audience),
  CONSTRAINT fk_resource_rule_item FOREIGN KEY (item_id) REFERENCES list_item (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Whom a booking is for, checked against the rules when it is made.
ALTER TABLE resource_booking ADD COLUMN audience VARCHAR(12) NOT NULL DEFAULT 'community' AFTER purpose;
