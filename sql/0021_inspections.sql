-- 督查: quarterly inspection rounds by a street (or a level above) over the communities under it and the units that
-- serve them. Each finding names what is wrong and who must rectify it by when; the responsible side hands in the
-- rectification with evidence, and the inspectors close it out (销号) or send it back. Every step is an event line.
CREATE TABLE inspection_round (
  id          BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id     BIGINT        NOT NULL COMMENT 'the inspecting area: findings may name anything under it',
  title       VARCHAR(100)  NOT NULL,
  quarter     CHAR(6)       NOT NULL COMMENT 'YYYYQn',
  status      VARCHAR(10)   NOT NULL COMMENT 'open, closed',
  created_by  BIGINT        NOT NULL,
  created_at  DATETIME(3)   NOT NULL,
  closed_at   DATETIME(3)   NULL,
  KEY ix_inspection_round_area (area_id, quarter),
  CONSTRAINT fk_inspection_round_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE inspection_finding (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  round_id     BIGINT        NOT NULL,
  community_id BIGINT        NOT NULL COMMENT 'where it was found',
  unit_id      BIGINT        NULL COMMENT 'the unit that must rectify, or NULL when the community must',
  problem      VARCHAR(1000) NOT NULL,
  requirement  VARCHAR(500)  NOT NULL COMMENT 'what rectification is asked for',
  deadline     DATE          NOT NULL,
  status       VARCHAR(12)   NOT NULL COMMENT 'open, submitted, returned, closed',
  evidence     VARCHAR(1000) NULL,
  found_by     BIGINT        NOT NULL,
  found_at     DATETIME(3)   NOT NULL,
  submitted_at DATETIME(3)   NULL,
  closed_by    BIGINT        NULL,
  closed_at    DATETIME(3)   NULL,
  KEY ix_inspection_finding_round (round_id, id),
  KEY ix_inspection_finding_due (status, deadline),
  KEY ix_inspection_finding_community (community_id, status),
  KEY ix_inspection_finding_unit (unit_id, status),
  CONSTRAINT fk_inspection_finding_round FOREIGN KEY (round_id) REFERENCES inspection_round (id),
  CONSTRAINT fk_inspection_finding_community FOREIGN KEY (community_id) REFERENCES area (id),
  CONSTRAINT fk_inspection_finding_unit FOREIGN KEY (unit_id) REFERENCES unit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE inspection_event (
  id         BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  finding_id BIGINT        NOT NULL,
  person_id  BIGINT        NOT NULL,
  kind       VARCHAR(12)   NOT NULL COMMENT 'found, progress, submitted, returned, closed',
  note       VARCHAR(1000) NULL,
  created_at DATETIME(3)   NOT NULL,
  KEY ix_inspection_event_finding (finding_id, id),
  CONSTRAINT fk_inspection_event_finding FOREIGN KEY (finding_id) REFERENCES inspection_finding (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
