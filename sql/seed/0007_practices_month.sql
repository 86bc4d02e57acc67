-- A month of the practices communities and units run together, dated from the day the seed is applied, so that
-- ./run.sh shows them current: 城东社区 (11) and 解放街社区 (12) with their lists, claims in every state, a unit's
-- activity centre under "1+3" opening rules with bookings, last month's joint meeting (attendance, two items claimed
-- on the spot, one left over) and next week's with the leftover carried, part-time committee members and their
-- commitments, last month's unit reports (one late, one missing) and this quarter's street inspection.
SET @now = UTC_TIMESTAMP(3);
SET @today = DATE(@now + INTERVAL 8 HOUR);
SET @lastMonth = DATE_FORMAT(@today - INTERVAL 1 MONTH, '%Y-%m');
-- The next Saturday (China time) and its start in UTC.
SET @saturday = @today + INTERVAL (7 - MOD(WEEKDAY(@today) + 2, 7)) DAY;
SET @saturdayUtc = TIMESTAMP(@saturday) - INTERVAL 8 HOUR;
-- The meetings: 15:00 China time, 30 and 18 days ago.
SET @m1 = TIMESTAMP(@today - INTERVAL 30 DAY, '07:00:00');
SET @m3 = TIMESTAMP(@today - INTERVAL 18 DAY, '07:00:00');

INSERT INTO list_item (id, community_id, kind, title, description, category_id, source, unit_id, capacity, deadline,
  status, created_by, created_at, updated_at) VALUES
(1, 11, 'need', '金龙小区老年活动室缺少桌椅', '居民议事会提出，约需20套桌椅', 7, 'meeting', NULL, NULL, NULL, 'done', 9011,
  @now - INTERVAL 30 DAY, @now - INTERVAL 6 DAY),
(2, 11, 'need', '文化路小区3栋楼道灯不亮', '12345转来，夜间老人上下楼不便', 2, 'report', NULL, NULL, NULL, 'claimed', 9011,
  @now - INTERVAL 12 DAY, @now - INTERVAL 10 DAY),
(3, 11, 'need', '金龙小区独居老人助餐', '网格走访发现7户独居老人有助餐需求', 7, 'visit', NULL, NULL, NULL, 'open', 9101,
  @now - INTERVAL 9 DAY, @now - INTERVAL 9 DAY),
(4, 11, 'need', '双职工家庭儿童课后托管', '入户问卷：43户有需求', 12, 'survey', NULL, NULL, NULL, 'claimed', 9011,
  @now - INTERVAL 20 DAY, @now - INTERVAL 2 DAY),
(5, 11, 'need', '金龙小区消防通道被占', '联席会议提出，需要交警和物业配合', 6, 'meeting', NULL, NULL, NULL, 'open', 9011,
  @now - INTERVAL 28 DAY, @now - INTERVAL 28 DAY),
(6, 11, 'resource', '县医院职工活动中心', '二楼多功能厅，可容纳80人，有投影', NULL, 'unit', 1, 80, NULL, 'open', 3001,
  @now - INTERVAL 25 DAY, @now - INTERVAL 25 DAY),
(7, 11, 'resource', '市应急局停车场', '40个车位，节假日向居民开放', 3, 'unit', 5, 40, NULL, 'open', 3005,
  @now - INTERVAL 25 DAY, @now - INTERVAL 25 DAY),
(8, 11, 'resource', '县医院门诊楼公共卫生间', '对外开放', NULL, 'unit', 1, NULL, NULL, 'open', 3001,
  @now - INTERVAL 25 DAY, @now - INTERVAL 25 DAY),
(9, 11, 'project', '健康义诊进社区', '每月一次，测血压血糖、用药咨询', 7, 'meeting', NULL, NULL, @today + INTERVAL 20 DAY,
  'claimed', 9011, @now - INTERVAL 29 DAY, @now - INTERVAL 29 DAY),
(10, 11, 'project', '应急疏散演练进小区', '金龙、文化路两个小区各一次', 6, 'community', NULL, NULL,
  @today + INTERVAL 10 DAY, 'open', 9011, @now - INTERVAL 15 DAY, @now - INTERVAL 15 DAY),
(11, 12, 'need', '润东学校放学时段交通护导', '世纪山水小区门口放学时段拥堵', 3, 'report', NULL, NULL, NULL, 'claimed', 9012,
  @now - INTERVAL 18 DAY, @now - INTERVAL 17 DAY),
(12, 12, 'need', '世纪山水小区8栋下水道反味', '网格走访发现', 2, 'visit', NULL, NULL, NULL, 'open', 9106,
  @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY);

INSERT INTO list_claim (id, item_id, unit_id, owner_person_id, deadline, status, evidence, submitted_at, decided_by,
  decided_at, decision_note, created_at, updated_at) VALUES
(1, 1, 1, 3001, @today - INTERVAL 5 DAY, 'done', '20套桌椅已送到活动室，见照片', @now - INTERVAL 7 DAY, 9011,
  @now - INTERVAL 6 DAY, NULL, @now - INTERVAL 30 DAY, @now - INTERVAL 6 DAY),
(2, 2, 5, 3005, @today + INTERVAL 4 DAY, 'claimed', NULL, NULL, NULL, NULL, NULL, @now - INTERVAL 10 DAY,
  @now - INTERVAL 3 DAY),
(3, 4, NULL, 2001, @today + INTERVAL 7 DAY, 'submitted', '与县医院职工子女托管班合办，已收托12名儿童', @now - INTERVAL 2 DAY,
  NULL, NULL, NULL, @now - INTERVAL 19 DAY, @now - INTERVAL 2 DAY),
(4, 9, 1, 3001, @today + INTERVAL 20 DAY, 'claimed', NULL, NULL, NULL, NULL, NULL, @now - INTERVAL 29 DAY,
  @now - INTERVAL 8 DAY),
(5, 11, 2, 3002, @today + INTERVAL 30 DAY, 'claimed', NULL, NULL, NULL, NULL, NULL, @now - INTERVAL 17 DAY,
  @now - INTERVAL 17 DAY);

INSERT INTO list_progress (claim_id, person_id, kind, note, created_at) VALUES
(1, 3001, 'claimed', NULL, @now - INTERVAL 30 DAY),
(1, 3001, 'progress', '已采购15套', @now - INTERVAL 14 DAY),
(1, 3001, 'submitted', '20套桌椅已送到活动室，见照片', @now - INTERVAL 7 DAY),
(1, 9011, 'done', NULL, @now - INTERVAL 6 DAY),
(2, 3005, 'claimed', NULL, @now - INTERVAL 10 DAY),
(2, 3005, 'progress', '已联系电工，灯具到货后更换', @now - INTERVAL 3 DAY),
(3, 2001, 'claimed', NULL, @now - INTERVAL 19 DAY),
(3, 2001, 'submitted', '与县医院职工子女托管班合办，已收托12名儿童', @now - INTERVAL 2 DAY),
(4, 3001, 'claimed', NULL, @now - INTERVAL 29 DAY),
(4, 3001, 'progress', '第一次义诊已开展，服务居民86人次', @now - INTERVAL 8 DAY),
(5, 3002, 'claimed', NULL, @now - INTERVAL 17 DAY);

-- "1+3": the hospital's own staff on working days, other units after hours, residents on rest days, the community on
-- working-day afternoons; the car park for residents on rest days.
INSERT INTO resource_rule (item_id, audience, days, opens, closes) VALUES
(6, 'own_staff', 'workday', '08:00', '17:30'),
(6, 'other_unit', 'workday', '18:00', '21:00'),
(6, 'resident', 'rest_day', '09:00', '17:00'),
(6, 'community', 'workday', '14:00', '17:00'),
(7, 'own_staff', 'workday', '07:00', '19:00'),
(7, 'resident', 'rest_day', '00:00', '24:00');

INSERT INTO resource_booking (id, item_id, starts_at, ends_at, purpose, audience, status, requested_by, decided_by,
  decided_at, created_at) VALUES
(1, 6, @saturdayUtc + INTERVAL 10 HOUR, @saturdayUtc + INTERVAL 12 HOUR, '老年书画班结业展', 'resident', 'confirmed', 9011,
  3001, @now - INTERVAL 1 DAY, @now - INTERVAL 3 DAY),
(2, 6, @saturdayUtc + INTERVAL 14 HOUR, @saturdayUtc + INTERVAL 16 HOUR, '青少年乒乓球赛', 'resident', 'requested', 9011,
  NULL, NULL, @now - INTERVAL 1 DAY);
INSERT INTO resource_slot (item_id, slot_start, booking_id) VALUES
(6, @saturdayUtc + INTERVAL 10 HOUR, 1), (6, @saturdayUtc + INTERVAL 11 HOUR, 1),
(6, @saturdayUtc + INTERVAL 14 HOUR, 2), (6, @saturdayUtc + INTERVAL 15 HOUR, 2);

-- Last month's 多网合一会 (closed, with minutes) and next week's, where the leftover item is carried.
INSERT INTO meeting (id, area_id, title, scheduled_at, place, status, minutes, checkin_secret, created_by, created_at,
  closed_at) VALUES
(1, 11, '城东社区多网合一联席会议', @m1, '城东社区党群服务中心二楼会议室', 'closed',
  '到会6人。县医院认领老年活动室桌椅和健康义诊两项；消防通道被占一项暂无单位认领，下次会议继续议。',
  SHA2(CONCAT('demo-1-', RAND()), 256), 9011, @now - INTERVAL 37 DAY, @m1 + INTERVAL 2 HOUR),
(2, 11, '城东社区多网合一联席会议', TIMESTAMP(@today + INTERVAL 7 DAY, '07:00:00'), '城东社区党群服务中心二楼会议室',
  'scheduled', NULL, SHA2(CONCAT('demo-2-', RAND()), 256), 9011, @now - INTERVAL 1 DAY, NULL),
(3, 12, '解放街社区共建联席会议', @m3, '解放街社区会议室', 'closed', '润东学校认领放学交通护导。',
  SHA2(CONCAT('demo-3-', RAND()), 256), 9012, @now - INTERVAL 25 DAY, @m3 + INTERVAL 1 HOUR);

INSERT INTO meeting_invitee (meeting_id, person_id, unit_id, checked_in_at) VALUES
(1, 3001, 1, @m1 - INTERVAL 5 MINUTE),
(1, 3005, 5, @m1 - INTERVAL 2 MINUTE),
(1, 9101, NULL, @m1 - INTERVAL 8 MINUTE),
(1, 9102, NULL, @m1 - INTERVAL 7 MINUTE),
(1, 9103, NULL, NULL),
(1, 2006, 1, @m1 + INTERVAL 4 MINUTE),
(2, 3001, 1, NULL), (2, 3005, 5, NULL), (2, 9101, NULL, NULL), (2, 9102, NULL, NULL), (2, 9103, NULL, NULL),
(3, 3002, 2, @m3 - INTERVAL 3 MINUTE),
(3, 3001, 1, NULL),
(3, 9105, NULL, @m3 - INTERVAL 6 MINUTE);

INSERT INTO meeting_item (id, meeting_id, title, order_code, list_item_id, carried_from, created_at) VALUES
(1, 1, '金龙小区老年活动室缺少桌椅', NULL, 1, NULL, @now - INTERVAL 37 DAY),
(2, 1, '健康义诊进社区', NULL, 9, NULL, @now - INTERVAL 37 DAY),
(3, 1, '金龙小区消防通道被占', NULL, 5, NULL, @now - INTERVAL 37 DAY),
(4, 2, '金龙小区消防通道被占', NULL, 5, 3, @now - INTERVAL 1 DAY),
(5, 2, '应急疏散演练进小区', NULL, 10, NULL, @now - INTERVAL 1 DAY),
(6, 3, '润东学校放学时段交通护导', NULL, 11, NULL, @now - INTERVAL 25 DAY);

INSERT INTO committee_member (id, community_id, person_id, unit_id, title, term_start, term_end, appointed_by,
  created_at) VALUES
(1, 11, 3001, 1, '兼职委员', '2026-01-01', '2028-12-31', 9011, '2026-01-05 02:00:00'),
(2, 11, 3005, 5, '兼职委员', '2026-01-01', '2028-12-31', 9011, '2026-01-05 02:00:00'),
(3, 12, 3002, 2, '兼职委员', '2026-01-01', '2028-12-31', 9012, '2026-01-05 02:00:00');

INSERT INTO commitment (member_id, content, due_date, status, evidence, fulfilled_at, created_at) VALUES
(1, '每月组织一次健康义诊进社区', @today + INTERVAL 20 DAY, 'promised', NULL, NULL, @now - INTERVAL 29 DAY),
(1, '为老年活动室捐赠20套桌椅', @today - INTERVAL 5 DAY, 'fulfilled', '20套桌椅已送到，社区已确认', @now - INTERVAL 6 DAY,
  @now - INTERVAL 30 DAY),
(2, '年内在城东社区开展两次应急疏散演练', @today + INTERVAL 25 DAY, 'promised', NULL, NULL, @now - INTERVAL 30 DAY),
(3, '上学放学时段每天安排两名教师护导', @today + INTERVAL 40 DAY, 'promised', NULL, NULL, @now - INTERVAL 17 DAY);

-- Last month: 县医院 filed on time for 城东 and was accepted; 市应急局 filed late; 县医院 filed for 解放街; 润东学校
-- has not filed (the reminders and the secretary's list show it).
INSERT INTO unit_report (unit_id, community_id, month, content, people, hours, resources, status, late, submitted_by,
  submitted_at, reviewed_by, reviewed_at, review_note) VALUES
(1, 11, @lastMonth, '认领并完成老年活动室桌椅；开展健康义诊一次，服务居民86人次', 14, 56.0, '职工活动中心周六开放两次',
  'accepted', 0, 3001, @now - INTERVAL 2 DAY, 9011, @now - INTERVAL 1 DAY, NULL),
(5, 11, @lastMonth, '认领文化路小区楼道灯维修；参加联席会议一次', 4, 12.5, '停车场节假日开放', 'submitted', 1, 3005,
  @now - INTERVAL 2 HOUR, NULL, NULL, NULL),
(1, 12, @lastMonth, '派出医护人员参加解放街社区重阳节活动', 6, 18.0, '', 'submitted', 0, 3001, @now - INTERVAL 3 DAY,
  NULL, NULL, NULL);

INSERT INTO inspection_round (id, area_id, title, quarter, status, created_by, created_at) VALUES
(1, 1, '莲花街道党建引领基层治理季度督查', CONCAT(YEAR(@today), 'Q', QUARTER(@today)), 'open', 9001,
  @now - INTERVAL 12 DAY);

INSERT INTO inspection_finding (id, round_id, community_id, unit_id, problem, requirement, deadline, status, evidence,
  found_by, found_at, submitted_at, closed_by, closed_at) VALUES
(1, 1, 11, 5, '共建活动台账缺少上月活动记录和照片', '补齐上月活动记录和照片并报社区', @today + INTERVAL 8 DAY, 'open',
  NULL, 9001, @now - INTERVAL 12 DAY, NULL, NULL, NULL),
(2, 1, 12, NULL, '党群服务中心公示栏信息过期', '更新公示内容，公开兼职委员承诺', @today - INTERVAL 2 DAY, 'closed',
  '公示栏已更新，见照片', 9001, @now - INTERVAL 12 DAY, @now - INTERVAL 5 DAY, 9001, @now - INTERVAL 4 DAY),
(3, 1, 11, 1, '报到党员服务记录不完整', '补录报到党员服务时长', @today + INTERVAL 3 DAY, 'submitted',
  '已补录26名党员的服务记录', 9001, @now - INTERVAL 12 DAY, @now - INTERVAL 1 DAY, NULL, NULL);

INSERT INTO inspection_event (finding_id, person_id, kind, note, created_at) VALUES
(1, 9001, 'found', '共建活动台账缺少上月活动记录和照片', @now - INTERVAL 12 DAY),
(2, 9001, 'found', '党群服务中心公示栏信息过期', @now - INTERVAL 12 DAY),
(2, 9012, 'submitted', '公示栏已更新，见照片', @now - INTERVAL 5 DAY),
(2, 9001, 'closed', NULL, @now - INTERVAL 4 DAY),
(3, 9001, 'found', '报到党员服务记录不完整', @now - INTERVAL 12 DAY),
(3, 3001, 'submitted', '已补录26名党员的服务记录', @now - INTERVAL 1 DAY);
