-- What staff at a desk keep at hand. 常用语: reply templates for reject reasons, progress notes, closing words and
-- extensions, per category and state where it matters, shared down the area tree (a street's templates serve its
-- communities; area_id NULL: everyone's). Saved filters and a shortlist of orders, per person.
CREATE TABLE reply_template (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id     BIGINT       NULL COMMENT 'who shares it: this area and everything below; NULL for everyone',
  purpose     VARCHAR(10)  NOT NULL,
  category_id BIGINT       NULL,
  status      VARCHAR(16)  NULL COMMENT 'the order state it is for, or NULL for any',
  text        VARCHAR(200) NOT NULL,
  created_by  BIGINT       NULL,
  created_at  DATETIME(3)  NOT NULL,
  CONSTRAINT ck_reply_template_purpose CHECK (purpose IN ('reject','progress','close','extend')),
  CONSTRAINT fk_reply_template_area FOREIGN KEY (area_id) REFERENCES area (id),
  CONSTRAINT fk_reply_template_category FOREIGN KEY (category_id) REFERENCES category (id),
  KEY ix_reply_template_purpose (purpose, category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE saved_filter (
  id         BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  person_id  BIGINT       NOT NULL,
  name       VARCHAR(30)  NOT NULL,
  query      VARCHAR(500) NOT NULL COMMENT 'the order list query string, as the console sends it',
  created_at DATETIME(3)  NOT NULL,
  CONSTRAINT fk_saved_filter_person FOREIGN KEY (person_id) REFERENCES person (id),
  UNIQUE KEY ux_saved_filter_name (person_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE order_shortlist (
  person_id  BIGINT      NOT NULL,
  order_id   BIGINT      NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (person_id, order_id),
  CONSTRAINT fk_order_shortlist_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT fk_order_shortlist_order FOREIGN KEY (order_id) REFERENCES service_order (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
