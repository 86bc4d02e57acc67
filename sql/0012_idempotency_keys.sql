-- A client that retries a write (its request timed out, the network dropped the answer) sends the same
-- Idempotency-Key and gets the first answer instead of a second order. Keys are per person and kept a day.
CREATE TABLE idempotency_key (
  person_id       BIGINT       NOT NULL,
  idem_key        VARCHAR(64)  NOT NULL,
  request_hash    CHAR(64)     NOT NULL COMMENT 'SHA-256 of method, path and body: the same key with another request is refused',
  status          VARCHAR(12)  NOT NULL,
  response_status INT          NULL,
  response_type   VARCHAR(100) NULL,
  response_body   MEDIUMTEXT   NULL,
  created_at      DATETIME(3)  NOT NULL,
  completed_at    DATETIME(3)  NULL,
  PRIMARY KEY (person_id, idem_key),
  KEY ix_idempotency_key_created (created_at),
  CONSTRAINT fk_idempotency_key_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT ck_idempotency_key_status CHECK (status IN ('processing','completed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
