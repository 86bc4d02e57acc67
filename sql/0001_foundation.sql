-- Foundation: the area tree, people and their roles, categories, the working-day calendar,
-- service orders with their append-only timeline and photos.
-- Rules for every migration: forward-only (never edit an applied file), portable to MySQL 8
-- (no RETURNING, no IF NOT EXISTS on columns/indexes), lowercase snake_case singular tables,
-- UTC in DATETIME(3) columns named *_at, utf8mb4_general_ci everywhere.

-- Five levels: street > community > compound > grid > building. path is the materialised path of
-- ids ('/1/11/111/1111/11110103/') so a subtree is one indexed LIKE 'prefix%'.
CREATE TABLE area (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  parent_id   BIGINT       NULL,
  kind        VARCHAR(16)  NOT NULL,
  name        VARCHAR(100) NOT NULL,
  path        VARCHAR(255) NOT NULL,
  depth       INT          NOT NULL,
  sort_order  INT          NOT NULL DEFAULT 0,
  latitude    DECIMAL(9,6) NULL,
  longitude   DECIMAL(9,6) NULL,
  boundary    TEXT         NULL COMMENT 'GeoJSON polygon, optional, for routing a point to a grid',
  created_at  DATETIME(3)  NOT NULL,
  CONSTRAINT ck_area_kind CHECK (kind IN ('street','community','compound','grid','building')),
  CONSTRAINT fk_area_parent FOREIGN KEY (parent_id) REFERENCES area (id),
  UNIQUE KEY ux_area_path (path),
  KEY ix_area_parent (parent_id, sort_order),
  KEY ix_area_kind_name (kind, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One row per human. Roles hang off it (resident, member, staff_role, unit_admin), so one person can
-- be a resident, an in-service Party member and a grid worker at once.
CREATE TABLE person (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name        VARCHAR(50)  NOT NULL,
  phone       VARCHAR(20)  NULL,
  oa_openid   VARCHAR(64)  NULL COMMENT 'official-account openid',
  mp_openid   VARCHAR(64)  NULL COMMENT 'mini-program openid',
  unionid     VARCHAR(64)  NULL,
  oa_following TINYINT(1)  NOT NULL DEFAULT 0,
  created_at  DATETIME(3)  NOT NULL,
  updated_at  DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_person_oa_openid (oa_openid),
  UNIQUE KEY ux_person_mp_openid (mp_openid),
  KEY ix_person_unionid (unionid),
  KEY ix_person_phone (phone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE resident (
  person_id        BIGINT      NOT NULL PRIMARY KEY,
  home_building_id BIGINT      NULL,
  room             VARCHAR(20) NULL,
  created_at       DATETIME(3) NOT NULL,
  CONSTRAINT fk_resident_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_resident_building FOREIGN KEY (home_building_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 驻区单位 with its Party branch; area_id is the community where it stands.
CREATE TABLE unit (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  name         VARCHAR(100) NOT NULL,
  party_branch VARCHAR(100) NOT NULL,
  area_id      BIGINT       NOT NULL,
  address      VARCHAR(200) NULL,
  created_at   DATETIME(3)  NOT NULL,
  CONSTRAINT fk_unit_area FOREIGN KEY (area_id) REFERENCES area (id),
  UNIQUE KEY ux_unit_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE unit_admin (
  unit_id    BIGINT      NOT NULL,
  person_id  BIGINT      NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (unit_id, person_id),
  KEY ix_unit_admin_person (person_id),
  CONSTRAINT fk_unit_admin_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_unit_admin_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 结对共建
CREATE TABLE unit_pairing (
  unit_id      BIGINT      NOT NULL,
  community_id BIGINT      NOT NULL,
  created_at   DATETIME(3) NOT NULL,
  PRIMARY KEY (unit_id, community_id),
  CONSTRAINT fk_unit_pairing_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_unit_pairing_area FOREIGN KEY (community_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 在职党员
CREATE TABLE member (
  person_id       BIGINT       NOT NULL PRIMARY KEY,
  unit_id         BIGINT       NULL,
  skills          VARCHAR(500) NOT NULL DEFAULT '' COMMENT 'comma-separated skill names',
  service_minutes INT          NOT NULL DEFAULT 0,
  created_at      DATETIME(3)  NOT NULL,
  CONSTRAINT fk_member_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_member_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  KEY ix_member_unit (unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Staff roles, each scoped to an area subtree (a grid worker's grid, a secretary's community, a street).
CREATE TABLE staff_role (
  id         BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id  BIGINT      NOT NULL,
  role       VARCHAR(20) NOT NULL,
  area_id    BIGINT      NOT NULL,
  created_at DATETIME(3) NOT NULL,
  CONSTRAINT ck_staff_role_role CHECK (role IN ('grid_worker','secretary','street_admin')),
  CONSTRAINT fk_staff_role_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_staff_role_area FOREIGN KEY (area_id) REFERENCES area (id),
  UNIQUE KEY ux_staff_role (person_id, role, area_id),
  KEY ix_staff_role_area (area_id, role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 双报到: a member registers with the community where they live and the one where their unit stands.
CREATE TABLE registration (
  id            BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id     BIGINT       NOT NULL,
  community_id  BIGINT       NOT NULL,
  kind          VARCHAR(16)  NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  skills        VARCHAR(500) NOT NULL DEFAULT '',
  reject_reason VARCHAR(200) NULL,
  decided_by    BIGINT       NULL,
  created_at    DATETIME(3)  NOT NULL,
  decided_at    DATETIME(3)  NULL,
  CONSTRAINT ck_registration_kind CHECK (kind IN ('residence','unit')),
  CONSTRAINT ck_registration_status CHECK (status IN ('pending','approved','rejected','withdrawn')),
  CONSTRAINT fk_registration_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_registration_area FOREIGN KEY (community_id) REFERENCES area (id),
  UNIQUE KEY ux_registration (person_id, community_id, kind),
  KEY ix_registration_community (community_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Categories are data. Normal orders run on the working-day calendar (ack in working hours, resolve
-- in working days); urgent orders run on clock hours (urgent_ack_hours, urgent_resolve_hours).
CREATE TABLE category (
  id                   BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  code                 VARCHAR(40)  NOT NULL,
  name                 VARCHAR(50)  NOT NULL,
  parent_id            BIGINT       NULL,
  ack_hours            INT          NOT NULL,
  resolve_value        INT          NOT NULL,
  resolve_unit         VARCHAR(16)  NOT NULL,
  urgent_ack_hours     INT          NOT NULL DEFAULT 1,
  urgent_resolve_hours INT          NOT NULL DEFAULT 24,
  default_urgency      VARCHAR(10)  NOT NULL DEFAULT 'normal',
  claim_window_hours   INT          NOT NULL DEFAULT 24,
  member_claimable     TINYINT(1)   NOT NULL DEFAULT 1,
  skills               VARCHAR(500) NOT NULL DEFAULT '',
  questions            TEXT         NULL COMMENT 'JSON array of extra questions the form asks',
  active               TINYINT(1)   NOT NULL DEFAULT 1,
  sort_order           INT          NOT NULL DEFAULT 0,
  created_at           DATETIME(3)  NOT NULL,
  CONSTRAINT ck_category_resolve_unit CHECK (resolve_unit IN ('hours','working_days')),
  CONSTRAINT ck_category_urgency CHECK (default_urgency IN ('normal','urgent')),
  CONSTRAINT ck_category_sla CHECK (ack_hours > 0 AND resolve_value > 0 AND urgent_ack_hours > 0 AND urgent_resolve_hours > 0),
  CONSTRAINT fk_category_parent FOREIGN KEY (parent_id) REFERENCES category (id),
  UNIQUE KEY ux_category_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Only the exceptions to "Monday to Friday": public holidays and make-up working days (调休).
CREATE TABLE work_calendar (
  day  DATE        NOT NULL PRIMARY KEY,
  kind VARCHAR(10) NOT NULL,
  name VARCHAR(50) NOT NULL,
  CONSTRAINT ck_work_calendar_kind CHECK (kind IN ('holiday','workday'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Per-day counter behind the public codes GDyyyyMMdd-NNNN (China day).
CREATE TABLE order_code_seq (
  day      CHAR(8) NOT NULL PRIMARY KEY,
  last_seq INT     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE service_order (
  id                BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  code              VARCHAR(20)   NOT NULL,
  source            VARCHAR(16)   NOT NULL,
  resident_id       BIGINT        NULL,
  area_id           BIGINT        NOT NULL,
  area_path         VARCHAR(255)  NOT NULL COMMENT 'copy of area.path for subtree scoping',
  category_id       BIGINT        NOT NULL,
  description       VARCHAR(2000) NOT NULL,
  location_text     VARCHAR(200)  NULL,
  latitude          DECIMAL(9,6)  NULL,
  longitude         DECIMAL(9,6)  NULL,
  urgency           VARCHAR(10)   NOT NULL,
  status            VARCHAR(16)   NOT NULL,
  ack_due_at        DATETIME(3)   NOT NULL,
  resolve_due_at    DATETIME(3)   NOT NULL,
  claimer_person_id BIGINT        NULL,
  claimer_unit_id   BIGINT        NULL,
  escalation_level  INT           NOT NULL DEFAULT 0,
  satisfaction      VARCHAR(16)   NULL,
  merged_into_id    BIGINT        NULL,
  reject_reason     VARCHAR(200)  NULL,
  created_by        BIGINT        NULL,
  created_at        DATETIME(3)   NOT NULL,
  accepted_at       DATETIME(3)   NULL,
  published_at      DATETIME(3)   NULL,
  claimed_at        DATETIME(3)   NULL,
  started_at        DATETIME(3)   NULL,
  resolved_at       DATETIME(3)   NULL,
  closed_at         DATETIME(3)   NULL,
  updated_at        DATETIME(3)   NOT NULL,
  version           INT           NOT NULL DEFAULT 1,
  CONSTRAINT ck_service_order_status CHECK (status IN ('submitted','accepted','published','claimed','in_progress','resolved','closed','rejected','merged','cancelled')),
  CONSTRAINT ck_service_order_source CHECK (source IN ('wechat_chat','mini_program','visit','meeting','staff','open311')),
  CONSTRAINT ck_service_order_urgency CHECK (urgency IN ('normal','urgent')),
  CONSTRAINT ck_service_order_satisfaction CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied','basically_satisfied','unsatisfied','unrated')),
  CONSTRAINT fk_service_order_resident FOREIGN KEY (resident_id) REFERENCES person (id),
  CONSTRAINT fk_service_order_area FOREIGN KEY (area_id) REFERENCES area (id),
  CONSTRAINT fk_service_order_category FOREIGN KEY (category_id) REFERENCES category (id),
  CONSTRAINT fk_service_order_merged FOREIGN KEY (merged_into_id) REFERENCES service_order (id),
  CONSTRAINT fk_service_order_claimer_person FOREIGN KEY (claimer_person_id) REFERENCES person (id),
  CONSTRAINT fk_service_order_claimer_unit FOREIGN KEY (claimer_unit_id) REFERENCES unit (id),
  UNIQUE KEY ux_service_order_code (code),
  KEY ix_service_order_area_path (area_path, created_at),
  KEY ix_service_order_resident (resident_id, created_at),
  KEY ix_service_order_status_due (status, resolve_due_at),
  KEY ix_service_order_category (category_id, created_at),
  KEY ix_service_order_claimer (claimer_person_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The timeline residents and staff see. Append-only: rows are never updated or deleted.
CREATE TABLE order_event (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  order_id    BIGINT       NOT NULL,
  kind        VARCHAR(24)  NOT NULL,
  from_status VARCHAR(16)  NULL,
  to_status   VARCHAR(16)  NULL,
  actor_id    BIGINT       NULL,
  actor_role  VARCHAR(20)  NOT NULL,
  note        VARCHAR(1000) NULL,
  data        TEXT         NULL COMMENT 'JSON details (merged order code, new deadline, ...)',
  created_at  DATETIME(3)  NOT NULL,
  CONSTRAINT fk_order_event_order FOREIGN KEY (order_id) REFERENCES service_order (id),
  CONSTRAINT fk_order_event_actor FOREIGN KEY (actor_id) REFERENCES person (id),
  KEY ix_order_event_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Photo metadata; the bytes are files under the data folder (storage_key is the relative path).
CREATE TABLE order_photo (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  order_id     BIGINT       NOT NULL,
  event_id     BIGINT       NULL,
  storage_key  VARCHAR(200) NOT NULL,
  content_type VARCHAR(40)  NOT NULL,
  byte_size    INT          NOT NULL,
  sha256       CHAR(64)     NOT NULL,
  uploaded_by  BIGINT       NULL,
  created_at   DATETIME(3)  NOT NULL,
  CONSTRAINT fk_order_photo_order FOREIGN KEY (order_id) REFERENCES service_order (id),
  CONSTRAINT fk_order_photo_event FOREIGN KEY (event_id) REFERENCES order_event (id),
  KEY ix_order_photo_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
