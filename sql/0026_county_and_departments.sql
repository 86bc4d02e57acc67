-- A level above the street (the county or district, 县/区) and departments (职能部门: 城管, 交通局, 司法局 …) that a
-- street can summon to an order (吹哨报到), plus the indexes the daily statistics read by time.

-- The county is the root of its streets: paths start there ('/100/1/11/…'). A tree may still start at a street.
ALTER TABLE area DROP CONSTRAINT ck_area_kind;
ALTER TABLE area ADD CONSTRAINT ck_area_kind
  CHECK (kind IN ('county','street','community','compound','grid','building'));

-- County staff (the organisation department, 组织部) read and assess everything under their county.
ALTER TABLE staff_role DROP CONSTRAINT ck_staff_role_role;
ALTER TABLE staff_role ADD CONSTRAINT ck_staff_role_role
  CHECK (role IN ('grid_worker','secretary','street_admin','county_admin'));

-- A department is a unit (its Party members still do 双报到) that can also be summoned; it usually stands at the
-- county.
ALTER TABLE unit ADD COLUMN kind VARCHAR(12) NOT NULL DEFAULT 'unit' AFTER party_branch;
ALTER TABLE unit ADD CONSTRAINT ck_unit_kind CHECK (kind IN ('unit','department'));

-- What a department answers for: escalation past the street summons the departments of the order's category.
CREATE TABLE department_duty (
  unit_id     BIGINT      NOT NULL,
  category_id BIGINT      NOT NULL,
  created_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (unit_id, category_id),
  KEY ix_department_duty_category (category_id),
  CONSTRAINT fk_department_duty_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_department_duty_category FOREIGN KEY (category_id) REFERENCES category (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 吹哨报到: a department summoned to an order (by street or county staff, or by escalation), and its answer (报到).
-- One summons per order and department.
CREATE TABLE order_summons (
  id            BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  order_id      BIGINT        NOT NULL,
  unit_id       BIGINT        NOT NULL,
  reason        VARCHAR(200)  NOT NULL,
  summoned_by   BIGINT        NULL COMMENT 'NULL when escalation summoned it',
  status        VARCHAR(10)   NOT NULL COMMENT 'summoned, reported, done',
  answer        VARCHAR(500)  NULL,
  answered_by   BIGINT        NULL,
  created_at    DATETIME(3)   NOT NULL,
  reported_at   DATETIME(3)   NULL,
  done_at       DATETIME(3)   NULL,
  UNIQUE KEY ux_order_summons (order_id, unit_id),
  KEY ix_order_summons_unit (unit_id, status, created_at),
  KEY ix_order_summons_time (created_at),
  CONSTRAINT ck_order_summons_status CHECK (status IN ('summoned','reported','done')),
  CONSTRAINT fk_order_summons_order FOREIGN KEY (order_id) REFERENCES service_order (id),
  CONSTRAINT fk_order_summons_unit FOREIGN KEY (unit_id) REFERENCES unit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The daily statistics read one day at a time by when things happened: orders received, due to be answered, resolved;
-- ratings, reopenings and escalations (timeline events, by ix_order_event_kind_created); service hours, list items,
-- claims and meetings. Orders received are read by ix_service_order_created.
ALTER TABLE service_order
  ADD KEY ix_service_order_ack_due (ack_due_at),
  ADD KEY ix_service_order_resolved (resolved_at);
ALTER TABLE service_record ADD KEY ix_service_record_served (served_on);
ALTER TABLE list_item ADD KEY ix_list_item_created (created_at);
ALTER TABLE list_claim ADD KEY ix_list_claim_decided (decided_at);
ALTER TABLE meeting ADD KEY ix_meeting_time (scheduled_at);

-- Escalation gains a fifth level (the county, with the departments on duty for the category). Open orders that had
-- reached the street, the old top, climb on one step (the default 24 hours) after it.
UPDATE service_order SET next_escalate_at = DATE_ADD(resolve_due_at, INTERVAL 96 HOUR)
 WHERE escalation_level = 4 AND next_escalate_at IS NULL
   AND status IN ('submitted','accepted','published','claimed','in_progress');
