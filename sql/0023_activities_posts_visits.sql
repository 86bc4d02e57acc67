-- Members and volunteers serving through activities and long-term posts, with their hours counted in one service
-- record; households and grid visits on a cycle.

-- Volunteers who are not Party members (and members who also serve in a team). A person is a volunteer once.
CREATE TABLE volunteer_team (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id BIGINT       NOT NULL,
  name         VARCHAR(60)  NOT NULL,
  created_by   BIGINT       NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_volunteer_team_name (community_id, name),
  CONSTRAINT fk_volunteer_team_community FOREIGN KEY (community_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE volunteer (
  person_id       BIGINT       NOT NULL PRIMARY KEY,
  community_id    BIGINT       NOT NULL,
  team_id         BIGINT       NULL,
  skills          VARCHAR(200) NOT NULL DEFAULT '',
  service_minutes INT          NOT NULL DEFAULT 0 COMMENT 'hours of those who are not members; members keep theirs',
  created_at      DATETIME(3)  NOT NULL,
  KEY ix_volunteer_team (team_id),
  CONSTRAINT fk_volunteer_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_volunteer_team FOREIGN KEY (team_id) REFERENCES volunteer_team (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One record per person per piece of service, whatever it was: a resolved order, an activity's approved hours, a
-- post's logged duty. The unique key makes crediting the same service twice impossible.
CREATE TABLE service_record (
  id         BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id  BIGINT      NOT NULL,
  source     VARCHAR(10) NOT NULL COMMENT 'order, activity, post',
  ref_id     BIGINT      NOT NULL,
  minutes    INT         NOT NULL,
  served_on  DATE        NOT NULL COMMENT 'China date',
  unit_id    BIGINT      NULL COMMENT 'the member''s unit when served',
  team_id    BIGINT      NULL,
  community_id BIGINT    NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY ux_service_record (source, ref_id, person_id),
  KEY ix_service_record_person (person_id, served_on),
  KEY ix_service_record_community (community_id, served_on),
  CONSTRAINT fk_service_record_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Activities organised by a community or a unit, with posts (岗位) to sign up for. Recurring services are series whose
-- sessions are activities.
CREATE TABLE service_series (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id BIGINT       NOT NULL,
  title        VARCHAR(60)  NOT NULL,
  kind         VARCHAR(10)  NOT NULL COMMENT 'class, clinic',
  weekdays     VARCHAR(13)  NOT NULL COMMENT 'ISO weekdays, e.g. 1,2,3,4,5',
  starts       TIME         NOT NULL,
  ends         TIME         NOT NULL,
  first_day    DATE         NOT NULL,
  last_day     DATE         NOT NULL,
  capacity     INT          NOT NULL COMMENT 'children (or patients) enrolled at once',
  volunteers   INT          NOT NULL COMMENT 'volunteers each session needs',
  place        VARCHAR(100) NOT NULL,
  created_by   BIGINT       NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  KEY ix_service_series_community (community_id),
  CONSTRAINT fk_service_series_community FOREIGN KEY (community_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A resident enrols a child (or themself) in a series: enrolled while there is room, waitlisted after; a withdrawal
-- moves the first on the waiting list up.
CREATE TABLE series_enrolment (
  id              BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  series_id       BIGINT      NOT NULL,
  guardian_id     BIGINT      NOT NULL,
  participant     VARCHAR(30) NOT NULL COMMENT 'the child''s name',
  age             INT         NULL,
  status          VARCHAR(10) NOT NULL COMMENT 'enrolled, waitlisted, withdrawn',
  created_at      DATETIME(3) NOT NULL,
  KEY ix_series_enrolment (series_id, status, id),
  CONSTRAINT fk_series_enrolment_series FOREIGN KEY (series_id) REFERENCES service_series (id),
  CONSTRAINT fk_series_enrolment_guardian FOREIGN KEY (guardian_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE activity (
  id             BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id   BIGINT        NOT NULL COMMENT 'where it is held',
  unit_id        BIGINT        NULL COMMENT 'the organising unit, or NULL when the community organises it',
  series_id      BIGINT        NULL,
  title          VARCHAR(60)   NOT NULL,
  description    VARCHAR(1000) NOT NULL DEFAULT '',
  place          VARCHAR(100)  NOT NULL,
  latitude       DECIMAL(9,6)  NULL,
  longitude      DECIMAL(9,6)  NULL,
  starts_at      DATETIME(3)   NOT NULL,
  ends_at        DATETIME(3)   NOT NULL,
  status         VARCHAR(10)   NOT NULL COMMENT 'open, closed, cancelled',
  checkin_secret VARCHAR(64)   NOT NULL,
  created_by     BIGINT        NOT NULL,
  created_at     DATETIME(3)   NOT NULL,
  closed_at      DATETIME(3)   NULL,
  KEY ix_activity_community (community_id, starts_at),
  KEY ix_activity_unit (unit_id, starts_at),
  KEY ix_activity_series (series_id, starts_at),
  KEY ix_activity_due (status, starts_at),
  CONSTRAINT fk_activity_community FOREIGN KEY (community_id) REFERENCES area (id),
  CONSTRAINT fk_activity_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_activity_series FOREIGN KEY (series_id) REFERENCES service_series (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Attendance of the enrolled at each session of a series.
CREATE TABLE series_attendance (
  activity_id   BIGINT      NOT NULL,
  enrolment_id  BIGINT      NOT NULL,
  present       TINYINT(1)  NOT NULL,
  recorded_by   BIGINT      NOT NULL,
  recorded_at   DATETIME(3) NOT NULL,
  PRIMARY KEY (activity_id, enrolment_id),
  CONSTRAINT fk_series_attendance_activity FOREIGN KEY (activity_id) REFERENCES activity (id),
  CONSTRAINT fk_series_attendance_enrolment FOREIGN KEY (enrolment_id) REFERENCES series_enrolment (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE activity_post (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  activity_id BIGINT       NOT NULL,
  name        VARCHAR(30)  NOT NULL,
  skills      VARCHAR(100) NOT NULL DEFAULT '',
  slots       INT          NOT NULL,
  taken       INT          NOT NULL DEFAULT 0 COMMENT 'live sign-ups, kept with them in one commit',
  KEY ix_activity_post (activity_id),
  CONSTRAINT fk_activity_post_activity FOREIGN KEY (activity_id) REFERENCES activity (id),
  CONSTRAINT ck_activity_post_taken CHECK (taken >= 0 AND taken <= slots)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A sign-up, its check-in and check-out, the hours proposed from them and the organiser's decision (approved, or a
-- no-show).
CREATE TABLE activity_signup (
  id               BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  activity_id      BIGINT      NOT NULL,
  post_id          BIGINT      NOT NULL,
  person_id        BIGINT      NOT NULL,
  status           VARCHAR(10) NOT NULL COMMENT 'signed, cancelled, approved, no_show',
  checked_in_at    DATETIME(3) NULL,
  checked_out_at   DATETIME(3) NULL,
  proposed_minutes INT         NULL,
  approved_minutes INT         NULL,
  created_at       DATETIME(3) NOT NULL,
  UNIQUE KEY ux_activity_signup (activity_id, person_id),
  KEY ix_activity_signup_person (person_id, status),
  CONSTRAINT fk_activity_signup_activity FOREIGN KEY (activity_id) REFERENCES activity (id),
  CONSTRAINT fk_activity_signup_post FOREIGN KEY (post_id) REFERENCES activity_post (id),
  CONSTRAINT fk_activity_signup_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Long-term service posts (楼栋长, 文明劝导员 …) in a community, each held by one person at a time for a term.
CREATE TABLE service_post (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  community_id BIGINT       NOT NULL,
  area_id      BIGINT       NOT NULL COMMENT 'the building, compound or community it covers',
  title        VARCHAR(40)  NOT NULL,
  duties       VARCHAR(500) NOT NULL DEFAULT '',
  term_months  INT          NOT NULL,
  created_by   BIGINT       NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  KEY ix_service_post_community (community_id),
  CONSTRAINT fk_service_post_community FOREIGN KEY (community_id) REFERENCES area (id),
  CONSTRAINT fk_service_post_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE post_holding (
  id             BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  post_id        BIGINT      NOT NULL,
  person_id      BIGINT      NOT NULL,
  starts_on      DATE        NOT NULL,
  ends_on        DATE        NOT NULL,
  status         VARCHAR(10) NOT NULL COMMENT 'active, released',
  released_at    DATETIME(3) NULL,
  created_at     DATETIME(3) NOT NULL,
  active_post_id BIGINT AS (CASE WHEN status = 'active' THEN post_id END) STORED,
  UNIQUE KEY ux_post_holding_active (active_post_id),
  KEY ix_post_holding_person (person_id, status),
  CONSTRAINT fk_post_holding_post FOREIGN KEY (post_id) REFERENCES service_post (id),
  CONSTRAINT fk_post_holding_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE post_duty (
  id         BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  holding_id BIGINT        NOT NULL,
  note       VARCHAR(500)  NOT NULL,
  minutes    INT           NOT NULL,
  done_on    DATE          NOT NULL,
  created_at DATETIME(3)   NOT NULL,
  KEY ix_post_duty_holding (holding_id, id),
  CONSTRAINT fk_post_duty_holding FOREIGN KEY (holding_id) REFERENCES post_holding (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The household register, per building. categories: difficulty, illness, unemployed, elderly_alone, correction
-- (comma-separated); a household with any of them is visited every month.
CREATE TABLE household (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  building_id BIGINT       NOT NULL,
  room        VARCHAR(20)  NOT NULL,
  head_name   VARCHAR(30)  NOT NULL,
  phone       VARCHAR(20)  NULL,
  people      INT          NOT NULL DEFAULT 1,
  categories  VARCHAR(80)  NOT NULL DEFAULT '',
  note        VARCHAR(200) NOT NULL DEFAULT '',
  must_visit  TINYINT(1) AS (categories <> '') STORED,
  created_at  DATETIME(3)  NOT NULL,
  updated_at  DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_household_room (building_id, room),
  CONSTRAINT fk_household_building FOREIGN KEY (building_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Where a household was last visited, kept with each visit, so a plan reads one row per household.
ALTER TABLE household ADD COLUMN last_visited_at DATETIME(3) NULL, ADD KEY ix_household_plan (building_id, last_visited_at);

CREATE TABLE visit (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  household_id BIGINT        NOT NULL,
  visitor_id   BIGINT        NOT NULL,
  visited_at   DATETIME(3)   NOT NULL,
  found        VARCHAR(1000) NOT NULL,
  need_item_id BIGINT        NULL COMMENT 'a need it put on the community''s list',
  order_code   VARCHAR(20)   NULL COMMENT 'an order filed from it',
  created_at   DATETIME(3)   NOT NULL,
  KEY ix_visit_household (household_id, visited_at),
  KEY ix_visit_visitor (visitor_id, visited_at),
  CONSTRAINT fk_visit_household FOREIGN KEY (household_id) REFERENCES household (id),
  CONSTRAINT fk_visit_visitor FOREIGN KEY (visitor_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 包联: cadres and volunteers assigned to a community, compound or building, with a monthly visit quota.
CREATE TABLE area_assignment (
  id            BIGINT      NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id     BIGINT      NOT NULL,
  area_id       BIGINT      NOT NULL,
  role          VARCHAR(10) NOT NULL COMMENT 'cadre, volunteer',
  monthly_quota INT         NOT NULL,
  starts_on     DATE        NOT NULL,
  ends_on       DATE        NOT NULL,
  created_by    BIGINT      NOT NULL,
  created_at    DATETIME(3) NOT NULL,
  KEY ix_area_assignment_person (person_id, ends_on),
  KEY ix_area_assignment_area (area_id),
  CONSTRAINT fk_area_assignment_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_area_assignment_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
