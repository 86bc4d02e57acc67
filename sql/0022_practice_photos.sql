-- Photos handed in with the practices' progress and evidence: a list claim's progress and result, an inspection
-- finding's rectification. Files live under the data folder like orders' photos; the database keeps metadata and
-- which step of whose history each belongs to.
CREATE TABLE practice_photo (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  subject     VARCHAR(10)  NOT NULL COMMENT 'claim, finding',
  subject_id  BIGINT       NOT NULL,
  step        VARCHAR(12)  NOT NULL COMMENT 'the history line it came with: progress, submitted',
  storage_key VARCHAR(200) NOT NULL,
  content_type VARCHAR(40) NOT NULL,
  byte_size   INT          NOT NULL,
  sha256      CHAR(64)     NOT NULL,
  uploaded_by BIGINT       NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  KEY ix_practice_photo_subject (subject, subject_id, id),
  CONSTRAINT fk_practice_photo_person FOREIGN KEY (uploaded_by) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
