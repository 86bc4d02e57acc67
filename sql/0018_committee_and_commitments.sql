-- 兼职委员 and 承诺践诺: a unit leader sits on a community's committee for a term (part-time committee member) and
-- makes public commitments ("我将帮助社区调解信访纠纷") with a due date, fulfilled with evidence. Residents of the
-- community see them.
CREATE TABLE committee_member (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id BIGINT       NOT NULL,
  person_id    BIGINT       NOT NULL,
  unit_id      BIGINT       NULL COMMENT 'the unit they lead, if any',
  title        VARCHAR(30)  NOT NULL COMMENT 'e.g. 兼职委员',
  term_start   DATE         NOT NULL,
  term_end     DATE         NOT NULL,
  appointed_by BIGINT       NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  KEY ix_committee_member_community (community_id, term_end),
  KEY ix_committee_member_person (person_id),
  CONSTRAINT fk_committee_member_community FOREIGN KEY (community_id) REFERENCES area (id),
  CONSTRAINT fk_committee_member_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_committee_member_unit FOREIGN KEY (unit_id) REFERENCES unit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE commitment (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  member_id    BIGINT        NOT NULL COMMENT 'the committee seat that promised it',
  content      VARCHAR(200)  NOT NULL,
  due_date     DATE          NOT NULL,
  status       VARCHAR(10)   NOT NULL COMMENT 'promised, fulfilled',
  evidence     VARCHAR(1000) NULL,
  fulfilled_at DATETIME(3)   NULL,
  created_at   DATETIME(3)   NOT NULL,
  KEY ix_commitment_member (member_id, id),
  KEY ix_commitment_due (status, due_date),
  CONSTRAINT fk_commitment_member FOREIGN KEY (member_id) REFERENCES committee_member (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
