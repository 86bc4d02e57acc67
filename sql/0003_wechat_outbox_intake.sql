-- The WeChat gateway's records, the notification outbox, conversation state, the shared access token,
-- followers of an order, and the intake classifier's training examples.

-- Every inbound message or event once, keyed as docs/wechat/callback.md says. The node that inserts the row does
-- the work; retries (up to 4 deliveries, possibly on other nodes, possibly concurrent) find the row and
-- answer with the stored reply body.
CREATE TABLE wechat_inbound (
  id           BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  dedup_key    VARCHAR(200) NOT NULL,
  openid       VARCHAR(64)  NOT NULL,
  msg_type     VARCHAR(20)  NOT NULL,
  event        VARCHAR(60)  NULL,
  status       VARCHAR(12)  NOT NULL,
  reply_body   TEXT         NULL COMMENT 'exact response body given to WeChat, returned again to retries',
  deliveries   INT          NOT NULL DEFAULT 1,
  received_at  DATETIME(3)  NOT NULL,
  completed_at DATETIME(3)  NULL,
  CONSTRAINT ck_wechat_inbound_status CHECK (status IN ('processing','replied','deferred','failed')),
  UNIQUE KEY ux_wechat_inbound_dedup (dedup_key),
  KEY ix_wechat_inbound_openid (openid, received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The chat dialog's state per resident, so any node can continue the conversation.
CREATE TABLE conversation (
  openid     VARCHAR(64)  NOT NULL PRIMARY KEY,
  person_id  BIGINT       NOT NULL,
  state      TEXT         NOT NULL COMMENT 'JSON: draft report, what is still missing, last reply',
  expires_at DATETIME(3)  NOT NULL,
  updated_at DATETIME(3)  NOT NULL,
  CONSTRAINT fk_conversation_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One access token per account, shared by all nodes (docs/wechat/access-token.md: a central cache, compare-and-refresh).
CREATE TABLE wechat_token (
  app_id       VARCHAR(40)  NOT NULL PRIMARY KEY,
  access_token VARCHAR(1024) NOT NULL,
  expires_at   DATETIME(3)  NOT NULL,
  refreshed_at DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The outbox: everything that notifies anyone, one row per recipient and channel. Dispatchers claim
-- rows with FOR UPDATE SKIP LOCKED; the idempotency key makes a second enqueue of the same notice a no-op.
CREATE TABLE delivery (
  id              BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  idempotency_key VARCHAR(200)  NOT NULL,
  person_id       BIGINT        NULL,
  openid          VARCHAR(64)   NULL,
  channel         VARCHAR(20)   NOT NULL,
  kind            VARCHAR(30)   NOT NULL,
  payload         TEXT          NOT NULL COMMENT 'JSON rendered for the channel',
  status          VARCHAR(10)   NOT NULL,
  attempts        INT           NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3)   NOT NULL,
  lease_until     DATETIME(3)   NULL,
  last_error      VARCHAR(500)  NULL,
  wechat_msgid    BIGINT        NULL,
  receipt         VARCHAR(60)   NULL COMMENT 'final status reported by WeChat (TEMPLATESENDJOBFINISH, subscribe_msg_sent_event)',
  created_at      DATETIME(3)   NOT NULL,
  sent_at         DATETIME(3)   NULL,
  updated_at      DATETIME(3)   NOT NULL,
  CONSTRAINT ck_delivery_channel CHECK (channel IN ('customer_service','template','subscribe','inbox')),
  CONSTRAINT ck_delivery_status CHECK (status IN ('pending','sending','sent','failed','dead')),
  CONSTRAINT fk_delivery_person FOREIGN KEY (person_id) REFERENCES person (id),
  UNIQUE KEY ux_delivery_idempotency (idempotency_key),
  KEY ix_delivery_due (status, next_attempt_at),
  KEY ix_delivery_msgid (wechat_msgid),
  KEY ix_delivery_person (person_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Residents who reported the same open problem are linked to it instead of creating a duplicate.
CREATE TABLE order_follower (
  order_id   BIGINT      NOT NULL,
  person_id  BIGINT      NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (order_id, person_id),
  KEY ix_order_follower_person (person_id),
  CONSTRAINT fk_order_follower_order FOREIGN KEY (order_id) REFERENCES service_order (id),
  CONSTRAINT fk_order_follower_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Labelled texts for the intake classifier: the shipped seed set plus staff corrections of a category.
CREATE TABLE intake_example (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  text        VARCHAR(1000) NOT NULL,
  category_id BIGINT       NOT NULL,
  source      VARCHAR(16)  NOT NULL,
  order_id    BIGINT       NULL,
  created_at  DATETIME(3)  NOT NULL,
  CONSTRAINT ck_intake_example_source CHECK (source IN ('seed','correction','import')),
  CONSTRAINT fk_intake_example_category FOREIGN KEY (category_id) REFERENCES category (id),
  CONSTRAINT fk_intake_example_order FOREIGN KEY (order_id) REFERENCES service_order (id),
  KEY ix_intake_example_category (category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Urging and reopening are timeline events; these indexes keep "my orders" and throttle look-ups cheap.
CREATE INDEX ix_order_event_kind_actor ON order_event (kind, actor_id, created_at);
