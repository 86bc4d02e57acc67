-- Statistics precomputed per China day, two-way evaluation (双向评议), residents' satisfaction surveys (满意度测评) and
-- the yearly assessment with its consequences. Definitions of every figure: docs/statistics.md.

-- One row per day and scope: an area at any level above the building (scope 'area'), a unit or department ('unit'), a
-- member ('member'), a category ('category') or a category within a county, street or community ('area_cat', scope_id
-- = area id × 10000 + category id). Every column is a count or a sum, so a period is the sum of its days;
-- rates and averages are computed from the sums when read. The resolution-time columns are a histogram of the orders
-- resolved that day (h_4h: within 4 hours, … h_over: more than 30 days), from which a period's p90 is read.
CREATE TABLE stat_daily (
  day             DATE        NOT NULL,
  scope           VARCHAR(10) NOT NULL,
  scope_id        BIGINT      NOT NULL,
  received        INT         NOT NULL DEFAULT 0,
  ack_due         INT         NOT NULL DEFAULT 0,
  ack_on_time     INT         NOT NULL DEFAULT 0,
  resolve_due     INT         NOT NULL DEFAULT 0,
  resolve_on_time INT         NOT NULL DEFAULT 0,
  rated           INT         NOT NULL DEFAULT 0,
  satisfied       INT         NOT NULL DEFAULT 0,
  resolved        INT         NOT NULL DEFAULT 0,
  responded       INT         NOT NULL DEFAULT 0,
  response_minutes BIGINT     NOT NULL DEFAULT 0,
  resolve_minutes BIGINT      NOT NULL DEFAULT 0,
  h_4h            INT         NOT NULL DEFAULT 0,
  h_8h            INT         NOT NULL DEFAULT 0,
  h_1d            INT         NOT NULL DEFAULT 0,
  h_2d            INT         NOT NULL DEFAULT 0,
  h_3d            INT         NOT NULL DEFAULT 0,
  h_5d            INT         NOT NULL DEFAULT 0,
  h_7d            INT         NOT NULL DEFAULT 0,
  h_10d           INT         NOT NULL DEFAULT 0,
  h_15d           INT         NOT NULL DEFAULT 0,
  h_30d           INT         NOT NULL DEFAULT 0,
  h_over          INT         NOT NULL DEFAULT 0,
  reopened        INT         NOT NULL DEFAULT 0,
  escalated       INT         NOT NULL DEFAULT 0,
  summoned        INT         NOT NULL DEFAULT 0,
  list_items      INT         NOT NULL DEFAULT 0,
  claims_done     INT         NOT NULL DEFAULT 0,
  meetings        INT         NOT NULL DEFAULT 0,
  activities      INT         NOT NULL DEFAULT 0,
  service_minutes BIGINT      NOT NULL DEFAULT 0,
  visits          INT         NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, scope_id, day),
  KEY ix_stat_daily_day (scope, day),
  CONSTRAINT ck_stat_daily_scope CHECK (scope IN ('area','unit','member','category','area_cat'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Which days are computed, when, and how long it took: the job continues from here, a rerun replaces a day.
CREATE TABLE stat_day (
  day         DATE        NOT NULL PRIMARY KEY,
  rows_written INT        NOT NULL,
  duration_ms INT         NOT NULL,
  computed_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 双向评议: a yearly round in a street or county. Units rate the communities they serve and communities rate their units,
-- each on the round's questions (scored 1–5). The pairs are the units' standing communities and approved pairings.
CREATE TABLE evaluation_round (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id     BIGINT       NOT NULL COMMENT 'the street or county that runs it',
  year        INT          NOT NULL,
  title       VARCHAR(100) NOT NULL,
  status      VARCHAR(10)  NOT NULL COMMENT 'open, closed',
  closes_on   DATE         NOT NULL,
  created_by  BIGINT       NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  closed_at   DATETIME(3)  NULL,
  UNIQUE KEY ux_evaluation_round (area_id, year),
  CONSTRAINT ck_evaluation_round_status CHECK (status IN ('open','closed')),
  CONSTRAINT fk_evaluation_round_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE evaluation_question (
  id         BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  round_id   BIGINT       NOT NULL,
  direction  VARCHAR(20)  NOT NULL COMMENT 'unit_to_community, community_to_unit',
  text       VARCHAR(200) NOT NULL,
  weight     INT          NOT NULL,
  sort_order INT          NOT NULL,
  KEY ix_evaluation_question_round (round_id, direction, sort_order),
  CONSTRAINT ck_evaluation_question CHECK (direction IN ('unit_to_community','community_to_unit') AND weight > 0),
  CONSTRAINT fk_evaluation_question_round FOREIGN KEY (round_id) REFERENCES evaluation_round (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One response per round, direction and pair; score is the weighted mean of its answers on a 100 scale.
CREATE TABLE evaluation_response (
  id           BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  round_id     BIGINT        NOT NULL,
  direction    VARCHAR(20)   NOT NULL,
  unit_id      BIGINT        NOT NULL,
  community_id BIGINT        NOT NULL,
  score        DECIMAL(5,2)  NOT NULL,
  comment      VARCHAR(500)  NULL,
  submitted_by BIGINT        NOT NULL,
  submitted_at DATETIME(3)   NOT NULL,
  UNIQUE KEY ux_evaluation_response (round_id, direction, unit_id, community_id),
  CONSTRAINT fk_evaluation_response_round FOREIGN KEY (round_id) REFERENCES evaluation_round (id),
  CONSTRAINT fk_evaluation_response_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_evaluation_response_community FOREIGN KEY (community_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE evaluation_answer (
  response_id BIGINT NOT NULL,
  question_id BIGINT NOT NULL,
  score       INT    NOT NULL,
  PRIMARY KEY (response_id, question_id),
  CONSTRAINT ck_evaluation_answer CHECK (score BETWEEN 1 AND 5),
  CONSTRAINT fk_evaluation_answer_response FOREIGN KEY (response_id) REFERENCES evaluation_response (id),
  CONSTRAINT fk_evaluation_answer_question FOREIGN KEY (question_id) REFERENCES evaluation_question (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- 满意度测评: residents asked again about closed orders, sampled reproducibly (the seed orders the candidates), and their
-- answers taken by the resident or by the caller (a third-party assessor) on their behalf.
CREATE TABLE satisfaction_survey (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id     BIGINT       NOT NULL,
  title       VARCHAR(100) NOT NULL,
  from_day    DATE         NOT NULL,
  to_day      DATE         NOT NULL,
  sample_size INT          NOT NULL,
  seed        VARCHAR(32)  NOT NULL,
  status      VARCHAR(10)  NOT NULL COMMENT 'open, closed',
  created_by  BIGINT       NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  closed_at   DATETIME(3)  NULL,
  CONSTRAINT ck_satisfaction_survey_status CHECK (status IN ('open','closed')),
  CONSTRAINT fk_satisfaction_survey_area FOREIGN KEY (area_id) REFERENCES area (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE survey_call (
  survey_id    BIGINT       NOT NULL,
  order_id     BIGINT       NOT NULL,
  resident_id  BIGINT       NULL,
  community_id BIGINT       NOT NULL,
  answer       VARCHAR(20)  NULL COMMENT 'satisfied, basically_satisfied, unsatisfied, unreachable',
  note         VARCHAR(300) NULL,
  answered_by  BIGINT       NULL,
  answered_at  DATETIME(3)  NULL,
  reminded_at  DATETIME(3)  NULL,
  PRIMARY KEY (survey_id, order_id),
  KEY ix_survey_call_resident (resident_id, survey_id),
  KEY ix_survey_call_community (survey_id, community_id),
  CONSTRAINT ck_survey_call_answer CHECK (answer IS NULL OR answer IN
    ('satisfied','basically_satisfied','unsatisfied','unreachable')),
  CONSTRAINT fk_survey_call_survey FOREIGN KEY (survey_id) REFERENCES satisfaction_survey (id),
  CONSTRAINT fk_survey_call_order FOREIGN KEY (order_id) REFERENCES service_order (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The yearly assessment: a scheme of weighted indicators for communities or units in a street or county. Indicators
-- are computed from the statistics, taken from a two-way evaluation or a satisfaction survey, or entered by hand with
-- evidence. For units, community_weight percent of the total is the communities' score of the unit (评议, 50% in
-- Chenggu) and the rest the weighted indicators.
CREATE TABLE assessment_scheme (
  id               BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  area_id          BIGINT       NOT NULL,
  year             INT          NOT NULL,
  subject          VARCHAR(10)  NOT NULL COMMENT 'community, unit',
  title            VARCHAR(100) NOT NULL,
  community_weight INT          NOT NULL DEFAULT 0,
  evaluation_round_id BIGINT    NULL,
  good_from        DECIMAL(5,2) NOT NULL DEFAULT 90,
  fairly_good_from DECIMAL(5,2) NOT NULL DEFAULT 80,
  fair_from        DECIMAL(5,2) NOT NULL DEFAULT 60,
  status           VARCHAR(10)  NOT NULL COMMENT 'draft, final',
  created_by       BIGINT       NOT NULL,
  created_at       DATETIME(3)  NOT NULL,
  finalised_at     DATETIME(3)  NULL,
  UNIQUE KEY ux_assessment_scheme (area_id, year, subject),
  CONSTRAINT ck_assessment_scheme CHECK (subject IN ('community','unit') AND status IN ('draft','final')
    AND community_weight BETWEEN 0 AND 100 AND good_from > fairly_good_from AND fairly_good_from > fair_from),
  CONSTRAINT fk_assessment_scheme_area FOREIGN KEY (area_id) REFERENCES area (id),
  CONSTRAINT fk_assessment_scheme_round FOREIGN KEY (evaluation_round_id) REFERENCES evaluation_round (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE assessment_indicator (
  id         BIGINT        NOT NULL PRIMARY KEY AUTO_INCREMENT,
  scheme_id  BIGINT        NOT NULL,
  name       VARCHAR(60)   NOT NULL,
  source     VARCHAR(12)   NOT NULL COMMENT 'computed, evaluation, survey, manual',
  metric     VARCHAR(30)   NULL COMMENT 'for computed: a statistic (docs/statistics.md); for survey: the survey id',
  weight     INT           NOT NULL,
  target     DECIMAL(12,2) NOT NULL COMMENT 'the value that earns full marks (100)',
  sort_order INT           NOT NULL,
  KEY ix_assessment_indicator_scheme (scheme_id, sort_order),
  CONSTRAINT ck_assessment_indicator CHECK (source IN ('computed','evaluation','survey','manual') AND weight > 0
    AND target > 0),
  CONSTRAINT fk_assessment_indicator_scheme FOREIGN KEY (scheme_id) REFERENCES assessment_scheme (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A value entered by hand (a third-party assessor's score, an inspection result) with its evidence.
CREATE TABLE assessment_entry (
  indicator_id BIGINT        NOT NULL,
  subject_id   BIGINT        NOT NULL,
  value        DECIMAL(12,2) NOT NULL,
  evidence     VARCHAR(1000) NOT NULL,
  entered_by   BIGINT        NOT NULL,
  entered_at   DATETIME(3)   NOT NULL,
  PRIMARY KEY (indicator_id, subject_id),
  CONSTRAINT fk_assessment_entry_indicator FOREIGN KEY (indicator_id) REFERENCES assessment_indicator (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A computed score with every input it came from (inputs: JSON of each indicator's value, points and weight), so the
-- score can be checked and reproduced.
CREATE TABLE assessment_result (
  scheme_id   BIGINT        NOT NULL,
  subject_id  BIGINT        NOT NULL,
  score       DECIMAL(6,2)  NOT NULL,
  tier        VARCHAR(12)   NOT NULL COMMENT 'good, fairly_good, fair, poor',
  inputs      TEXT          NOT NULL,
  computed_at DATETIME(3)   NOT NULL,
  PRIMARY KEY (scheme_id, subject_id),
  CONSTRAINT ck_assessment_result_tier CHECK (tier IN ('good','fairly_good','fair','poor')),
  CONSTRAINT fk_assessment_result_scheme FOREIGN KEY (scheme_id) REFERENCES assessment_scheme (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Consequences: 约谈 (a talk) for a subject rated 一般 or worse two years running; 五星 withdrawn from a member idle six
-- months. One per subject, kind and year.
CREATE TABLE consequence (
  id          BIGINT       NOT NULL PRIMARY KEY AUTO_INCREMENT,
  subject     VARCHAR(10)  NOT NULL COMMENT 'community, unit, member',
  subject_id  BIGINT       NOT NULL,
  kind        VARCHAR(20)  NOT NULL COMMENT 'interview, five_star_withdrawn',
  year        INT          NOT NULL,
  reason      VARCHAR(300) NOT NULL,
  scheme_id   BIGINT       NULL,
  created_at  DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_consequence (subject, subject_id, kind, year),
  KEY ix_consequence_year (year, kind),
  CONSTRAINT ck_consequence CHECK (subject IN ('community','unit','member')
    AND kind IN ('interview','five_star_withdrawn'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
