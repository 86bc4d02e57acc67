-- 双向认领: the three lists a community keeps with its units. Needs (需求清单) come from residents' reports, visits,
-- surveys and meetings; resources (资源清单) are what a unit opens (venues, parking, toilets, gyms) with a capacity;
-- projects (项目清单) are deliverables with a deadline. Units (through their admins) and members claim needs and
-- projects; the community books units' resources by the hour.
CREATE TABLE list_item (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id BIGINT        NOT NULL,
  kind         VARCHAR(10)   NOT NULL COMMENT 'need, resource, project',
  title        VARCHAR(100)  NOT NULL,
  description  VARCHAR(1000) NOT NULL DEFAULT '',
  category_id  BIGINT        NULL,
  source       VARCHAR(12)   NOT NULL COMMENT 'report, visit, survey, meeting, community, unit',
  unit_id      BIGINT        NULL COMMENT 'the unit that opens a resource',
  capacity     INT           NULL COMMENT 'people a resource takes at once',
  deadline     DATE          NULL,
  status       VARCHAR(12)   NOT NULL COMMENT 'open, claimed, done, withdrawn',
  created_by   BIGINT        NOT NULL,
  created_at   DATETIME(3)   NOT NULL,
  updated_at   DATETIME(3)   NOT NULL,
  KEY ix_list_item_community (community_id, kind, status, id),
  KEY ix_list_item_unit (unit_id),
  CONSTRAINT fk_list_item_community FOREIGN KEY (community_id) REFERENCES area (id),
  CONSTRAINT fk_list_item_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_list_item_category FOREIGN KEY (category_id) REFERENCES category (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A claim of a need or a project. At most one live claim per item: the unique key on active_item_id (the item while
-- the claim is live, NULL once it is done or withdrawn) makes two claims at once impossible, whatever the nodes do.
CREATE TABLE list_claim (
  id              BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item_id         BIGINT        NOT NULL,
  unit_id         BIGINT        NULL COMMENT 'the claiming unit, or NULL for a member',
  owner_person_id BIGINT        NOT NULL COMMENT 'who answers for it: the unit admin or the member',
  deadline        DATE          NOT NULL,
  status          VARCHAR(12)   NOT NULL COMMENT 'claimed, submitted, returned, done, withdrawn',
  evidence        VARCHAR(1000) NULL,
  submitted_at    DATETIME(3)   NULL,
  decided_by      BIGINT        NULL,
  decided_at      DATETIME(3)   NULL,
  decision_note   VARCHAR(200)  NULL,
  created_at      DATETIME(3)   NOT NULL,
  updated_at      DATETIME(3)   NOT NULL,
  active_item_id  BIGINT AS (CASE WHEN status IN ('claimed', 'submitted', 'returned') THEN item_id END) STORED,
  UNIQUE KEY ux_list_claim_active (active_item_id),
  KEY ix_list_claim_item (item_id, id),
  KEY ix_list_claim_unit (unit_id, status),
  KEY ix_list_claim_owner (owner_person_id, status),
  CONSTRAINT fk_list_claim_item FOREIGN KEY (item_id) REFERENCES list_item (id),
  CONSTRAINT fk_list_claim_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_list_claim_owner FOREIGN KEY (owner_person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE list_progress (
  id         BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  claim_id   BIGINT       NOT NULL,
  person_id  BIGINT       NOT NULL,
  kind       VARCHAR(12)  NOT NULL COMMENT 'claimed, progress, submitted, done, returned, withdrawn',
  note       VARCHAR(1000) NULL,
  created_at DATETIME(3)  NOT NULL,
  KEY ix_list_progress_claim (claim_id, id),
  CONSTRAINT fk_list_progress_claim FOREIGN KEY (claim_id) REFERENCES list_claim (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The community books a unit's resource for whole hours. Each booked hour is a row keyed (resource, hour), so two
-- bookings of one hour cannot both be stored: the second insert fails on the primary key, in one statement, on any
-- node. A declined or cancelled booking gives its hours back.
CREATE TABLE resource_booking (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  item_id      BIGINT       NOT NULL,
  starts_at    DATETIME(3)  NOT NULL,
  ends_at      DATETIME(3)  NOT NULL,
  purpose      VARCHAR(200) NOT NULL,
  status       VARCHAR(12)  NOT NULL COMMENT 'requested, confirmed, declined, cancelled',
  requested_by BIGINT       NOT NULL,
  decided_by   BIGINT       NULL,
  decided_at   DATETIME(3)  NULL,
  created_at   DATETIME(3)  NOT NULL,
  KEY ix_resource_booking_item (item_id, starts_at),
  CONSTRAINT fk_resource_booking_item FOREIGN KEY (item_id) REFERENCES list_item (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE resource_slot (
  item_id    BIGINT      NOT NULL,
  slot_start DATETIME(3) NOT NULL,
  booking_id BIGINT      NOT NULL,
  PRIMARY KEY (item_id, slot_start),
  KEY ix_resource_slot_booking (booking_id),
  CONSTRAINT fk_resource_slot_booking FOREIGN KEY (booking_id) REFERENCES resource_booking (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
