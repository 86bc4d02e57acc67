-- Delivery channels, the in-app inbox and secretaries' broadcasts.

-- How a kind of notice is shown on a WeChat channel. Template ids belong to an account, so they are data:
-- a deployment inserts its own. fields is JSON, e.g. [{"key":"thing1","from":"title","type":"thing"}]; each
-- value is cut to what WeChat allows for its type (thing 20 characters, phrase 5, ...). Without a row for a
-- kind and channel, that channel is not used for it and the notice goes to the in-app inbox.
CREATE TABLE notification_template (
  kind        VARCHAR(30)  NOT NULL,
  channel     VARCHAR(20)  NOT NULL,
  template_id VARCHAR(64)  NOT NULL,
  fields      TEXT         NOT NULL,
  page        VARCHAR(200) NULL,
  PRIMARY KEY (kind, channel),
  CONSTRAINT ck_notification_template_channel CHECK (channel IN ('template','subscribe'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Mini-program subscribe messages are one send per "accept" (wx.requestSubscribeMessage); remaining counts them.
CREATE TABLE subscribe_grant (
  person_id   BIGINT      NOT NULL,
  template_id VARCHAR(64) NOT NULL,
  remaining   INT         NOT NULL,
  updated_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (person_id, template_id),
  CONSTRAINT fk_subscribe_grant_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The in-app inbox: the channel of last resort, shown in the mini-program.
CREATE TABLE inbox_message (
  id          BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id   BIGINT        NOT NULL,
  delivery_id BIGINT        NOT NULL,
  kind        VARCHAR(30)   NOT NULL,
  title       VARCHAR(100)  NOT NULL,
  body        VARCHAR(2000) NOT NULL,
  order_code  VARCHAR(20)   NULL,
  created_at  DATETIME(3)   NOT NULL,
  read_at     DATETIME(3)   NULL,
  UNIQUE KEY ux_inbox_message_delivery (delivery_id),
  KEY ix_inbox_message_person (person_id, id),
  CONSTRAINT fk_inbox_message_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A notice from a secretary to an audience: an area subtree (members, residents or both) or a list of people.
CREATE TABLE broadcast (
  id          BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  author_id   BIGINT        NOT NULL,
  area_id     BIGINT        NOT NULL,
  area_path   VARCHAR(255)  NOT NULL,
  audience    VARCHAR(10)   NOT NULL,
  person_ids  TEXT          NULL COMMENT 'JSON array, for audience = list',
  title       VARCHAR(40)   NOT NULL,
  body        VARCHAR(1000) NOT NULL,
  status      VARCHAR(10)   NOT NULL,
  send_at     DATETIME(3)   NULL,
  recipients  INT           NULL,
  created_at  DATETIME(3)   NOT NULL,
  sent_at     DATETIME(3)   NULL,
  CONSTRAINT ck_broadcast_audience CHECK (audience IN ('members','residents','both','list')),
  CONSTRAINT ck_broadcast_status CHECK (status IN ('draft','scheduled','sending','sent','cancelled')),
  CONSTRAINT fk_broadcast_author FOREIGN KEY (author_id) REFERENCES person (id),
  CONSTRAINT fk_broadcast_area FOREIGN KEY (area_id) REFERENCES area (id),
  KEY ix_broadcast_status_send (status, send_at),
  KEY ix_broadcast_area (area_path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE delivery ADD COLUMN broadcast_id BIGINT NULL;
CREATE INDEX ix_delivery_broadcast ON delivery (broadcast_id, status);

-- The satisfaction follow-up scans resolved orders by when they were resolved.
CREATE INDEX ix_service_order_status_resolved ON service_order (status, resolved_at);
