-- 联席会议 / 多网合一会: a community (or street) meets its units, part-time committee members and departments. The
-- agenda holds orders, list items and points raised; items are claimed on the spot (each becoming a list claim with an
-- owner and a deadline); attendance is checked in with a code that changes every minute; what is unfinished when a
-- meeting closes is carried to the next one automatically (the ledger, 台账).
CREATE TABLE meeting (
  id             BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id        BIGINT        NOT NULL COMMENT 'the community (or street) that holds it',
  title          VARCHAR(100)  NOT NULL,
  scheduled_at   DATETIME(3)   NOT NULL,
  place          VARCHAR(100)  NOT NULL,
  status         VARCHAR(10)   NOT NULL COMMENT 'scheduled, closed',
  minutes        TEXT          NULL,
  checkin_secret VARCHAR(64)   NOT NULL COMMENT 'derives the minute-by-minute check-in code',
  created_by     BIGINT        NOT NULL,
  created_at     DATETIME(3)   NOT NULL,
  closed_at      DATETIME(3)   NULL,
  KEY ix_meeting_area (area_id, scheduled_at),
  CONSTRAINT fk_meeting_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE meeting_invitee (
  meeting_id    BIGINT      NOT NULL,
  person_id     BIGINT      NOT NULL,
  unit_id       BIGINT      NULL COMMENT 'the unit they come for, if any',
  checked_in_at DATETIME(3) NULL,
  PRIMARY KEY (meeting_id, person_id),
  KEY ix_meeting_invitee_person (person_id),
  CONSTRAINT fk_meeting_invitee_meeting FOREIGN KEY (meeting_id) REFERENCES meeting (id),
  CONSTRAINT fk_meeting_invitee_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE meeting_item (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  meeting_id   BIGINT       NOT NULL,
  title        VARCHAR(200) NOT NULL,
  order_code   VARCHAR(20)  NULL COMMENT 'an order on the agenda',
  list_item_id BIGINT       NULL COMMENT 'the list item it is (or became when claimed)',
  carried_from BIGINT       NULL COMMENT 'the unfinished item of an earlier meeting it continues',
  created_at   DATETIME(3)  NOT NULL,
  KEY ix_meeting_item_meeting (meeting_id, id),
  CONSTRAINT fk_meeting_item_meeting FOREIGN KEY (meeting_id) REFERENCES meeting (id),
  CONSTRAINT fk_meeting_item_list FOREIGN KEY (list_item_id) REFERENCES list_item (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
