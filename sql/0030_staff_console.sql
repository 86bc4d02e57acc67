-- The staff console: sign-in by username and password for the people who work at a desk (secretaries, grid
-- workers, street and county staff, unit admins). The password is kept only as an ASP.NET Core Identity hash
-- (PBKDF2); five wrong passwords in a row lock the account for a quarter of an hour.
CREATE TABLE staff_account (
  person_id       BIGINT       NOT NULL PRIMARY KEY,
  username        VARCHAR(40)  NOT NULL,
  password_hash   VARCHAR(200) NOT NULL,
  failed_count    INT          NOT NULL DEFAULT 0,
  locked_until    DATETIME(3)  NULL,
  last_sign_in_at DATETIME(3)  NULL,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_staff_account_username (username),
  CONSTRAINT fk_staff_account_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ASP.NET Core's data-protection keys (they encrypt the console's cookie and antiforgery tokens), kept here so every
-- node behind the load balancer reads the same key ring.
CREATE TABLE data_protection_key (
  name       VARCHAR(100) NOT NULL PRIMARY KEY,
  xml        MEDIUMTEXT   NOT NULL,
  created_at DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
