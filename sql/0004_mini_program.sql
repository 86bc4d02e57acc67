-- Mini-program sign-in, unit registration and pairing approval, and order fields the form and claim pool need.

-- The session_key from jscode2session stays on the server (it decrypts the user's signed data).
ALTER TABLE person
  ADD COLUMN mp_session_key VARCHAR(64) NULL,
  ADD COLUMN phone_verified_at DATETIME(3) NULL;

-- Refresh tokens are stored only as SHA-256 hashes and rotate on every use; a token used twice means it
-- was stolen, and the whole family is revoked.
CREATE TABLE auth_refresh_token (
  id         BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id  BIGINT      NOT NULL,
  token_hash CHAR(64)    NOT NULL,
  family     CHAR(32)    NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  used_at    DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  CONSTRAINT fk_auth_refresh_token_person FOREIGN KEY (person_id) REFERENCES person (id),
  UNIQUE KEY ux_auth_refresh_token_hash (token_hash),
  KEY ix_auth_refresh_token_family (family)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A unit registers with the community where it stands; the community's staff approve it.
ALTER TABLE unit
  ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'approved',
  ADD COLUMN decided_by BIGINT NULL,
  ADD COLUMN decided_at DATETIME(3) NULL,
  ADD COLUMN reject_reason VARCHAR(200) NULL,
  ADD CONSTRAINT ck_unit_status CHECK (status IN ('pending','approved','rejected'));

-- 结对共建 is requested by the unit and approved by the community.
ALTER TABLE unit_pairing
  ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'approved',
  ADD COLUMN decided_by BIGINT NULL,
  ADD COLUMN decided_at DATETIME(3) NULL,
  ADD COLUMN reject_reason VARCHAR(200) NULL,
  ADD CONSTRAINT ck_unit_pairing_status CHECK (status IN ('pending','approved','rejected'));

ALTER TABLE service_order
  ADD COLUMN extra TEXT NULL COMMENT 'JSON answers to the category''s extra questions',
  ADD COLUMN content_flag VARCHAR(10) NULL COMMENT 'review or unchecked when the text check did not pass it outright',
  ADD COLUMN service_minutes INT NULL COMMENT 'service time credited to the claimer when resolved',
  ADD CONSTRAINT ck_service_order_content_flag CHECK (content_flag IS NULL OR content_flag IN ('review','unchecked'));

-- Claims not started within the category's window return to the pool; this finds them.
CREATE INDEX ix_service_order_status_claimed ON service_order (status, claimed_at);

-- 'basically_satisfied' (19 characters) did not fit the original VARCHAR(16).
ALTER TABLE service_order MODIFY COLUMN satisfaction VARCHAR(24) NULL;
