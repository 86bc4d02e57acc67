-- The county above the demo's two streets (润东县, with its organisation department's staff) and the departments a
-- street can summon (吹哨报到): 县交通局 and 县司法局 become departments, 县城管局 joins as one, each with the categories
-- it answers for. The streets' subtrees move under the county: every path and every copy of a path gains the county.

INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, latitude, longitude, created_at) VALUES
(100,NULL,'county','润东县','/100/',0,1,NULL,NULL,'2026-01-01 00:00:00');

UPDATE area SET parent_id = 100 WHERE id IN (1, 2);
UPDATE area SET path = CONCAT('/100', path) WHERE path LIKE '/1/%' OR path LIKE '/2/%';
UPDATE service_order SET area_path = CONCAT('/100', area_path) WHERE area_path LIKE '/1/%' OR area_path LIKE '/2/%';
UPDATE broadcast SET area_path = CONCAT('/100', area_path) WHERE area_path LIKE '/1/%' OR area_path LIKE '/2/%';
UPDATE delivery SET area_path = CONCAT('/100', area_path) WHERE area_path LIKE '/1/%' OR area_path LIKE '/2/%';

INSERT INTO person (id, name, phone, oa_openid, mp_openid, oa_following, created_at, updated_at) VALUES
(9000,'王振华','13900009000',NULL,NULL,0,'2026-01-01 00:00:00','2026-01-01 00:00:00'),
(3006,'冯志刚','13700003006',NULL,NULL,0,'2026-01-01 00:00:00','2026-01-01 00:00:00');

INSERT INTO staff_role (person_id, role, area_id, created_at) VALUES
(9000,'county_admin',100,'2026-01-01 00:00:00');

UPDATE unit SET kind = 'department' WHERE id IN (3, 4);
INSERT INTO unit (id, name, party_branch, kind, area_id, created_at) VALUES
(6,'县城管局','县城管局机关党支部','department',100,'2026-01-01 00:00:00');
INSERT INTO unit_admin (unit_id, person_id, created_at) VALUES (6,3006,'2026-01-01 00:00:00');

-- 交通局: parking and traffic; 司法局: legal advice and disputes; 城管局: sanitation, noise, illegal building.
INSERT INTO department_duty (unit_id, category_id, created_at) VALUES
(3,3,'2026-01-01 00:00:00'),
(4,5,'2026-01-01 00:00:00'),(4,9,'2026-01-01 00:00:00'),
(6,1,'2026-01-01 00:00:00'),(6,4,'2026-01-01 00:00:00'),(6,11,'2026-01-01 00:00:00');

-- Summoned departments and the county hear at once; survey and evaluation requests too.
INSERT INTO notification_template (kind, channel, template_id, fields, page) VALUES
('summons', 'template', 'TPL_OA_DEADLINE', '[{"key":"character_string1","from":"code","type":"character_string"},{"key":"thing2","from":"title","type":"thing"},{"key":"time3","from":"time","type":"time"}]', 'pages/order/detail'),
('summons_answered', 'template', 'TPL_OA_DEADLINE', '[{"key":"character_string1","from":"code","type":"character_string"},{"key":"thing2","from":"title","type":"thing"},{"key":"time3","from":"time","type":"time"}]', 'pages/order/detail'),
('evaluation', 'template', 'TPL_OA_NOTICE', '[{"key":"thing1","from":"title","type":"thing"},{"key":"thing2","from":"body","type":"thing"},{"key":"time3","from":"time","type":"time"}]', 'pages/me/index'),
('satisfaction_survey', 'template', 'TPL_OA_NOTICE', '[{"key":"thing1","from":"title","type":"thing"},{"key":"thing2","from":"body","type":"thing"},{"key":"time3","from":"time","type":"time"}]', 'pages/order/detail');
