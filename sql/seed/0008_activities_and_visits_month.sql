-- A month of activities, posts and grid visits in 城东社区 (11), dated from the day the seed is applied: a volunteer
-- team with two residents, two activities done (hours approved, a no-show) and one coming, a 四点半课堂 running on
-- weekdays with its rota, 楼栋长 posts in 金龙小区 with duties logged, twelve households of 金龙小区 1–3栋 (two to be
-- visited monthly), the grid worker's visits of the last weeks (one raised a need) and a cadre assigned (包联).
SET @now = UTC_TIMESTAMP(3);
SET @today = DATE(@now + INTERVAL 8 HOUR);

INSERT INTO volunteer_team (id, community_id, name, created_by, created_at) VALUES
(1, 11, '金龙志愿服务队', 9011, @now - INTERVAL 60 DAY);
INSERT INTO volunteer (person_id, community_id, team_id, skills, service_minutes, created_at) VALUES
(1001, 11, 1, '清洁,陪护', 600, @now - INTERVAL 60 DAY),
(1002, 11, 1, '文体', 240, @now - INTERVAL 50 DAY);

-- Activities at 09:00–12:00 China time (01:00–04:00 UTC).
INSERT INTO activity (id, community_id, unit_id, series_id, title, description, place, latitude, longitude, starts_at,
  ends_at, status, checkin_secret, created_by, created_at, closed_at) VALUES
(1, 11, NULL, NULL, '金龙小区环境整治', '清理楼道堆物和绿化带垃圾', '金龙小区中心广场', 33.151200, 107.332100,
  TIMESTAMP(@today - INTERVAL 20 DAY, '01:00:00'), TIMESTAMP(@today - INTERVAL 20 DAY, '04:00:00'), 'closed',
  SHA2(CONCAT('act-1-', RAND()), 256), 9011, @now - INTERVAL 27 DAY, TIMESTAMP(@today - INTERVAL 20 DAY, '05:00:00')),
(2, 11, 1, NULL, '健康义诊进社区', '测血压血糖、用药咨询', '城东社区党群服务中心', NULL, NULL,
  TIMESTAMP(@today - INTERVAL 8 DAY, '01:00:00'), TIMESTAMP(@today - INTERVAL 8 DAY, '04:00:00'), 'closed',
  SHA2(CONCAT('act-2-', RAND()), 256), 3001, @now - INTERVAL 15 DAY, TIMESTAMP(@today - INTERVAL 8 DAY, '05:00:00')),
(3, 11, NULL, NULL, '重阳敬老院探访', '陪老人聊天、表演节目', '城东敬老院', NULL, NULL,
  TIMESTAMP(@today + INTERVAL 5 DAY, '01:00:00'), TIMESTAMP(@today + INTERVAL 5 DAY, '04:00:00'), 'open',
  SHA2(CONCAT('act-3-', RAND()), 256), 9011, @now - INTERVAL 2 DAY, NULL);

INSERT INTO activity_post (id, activity_id, name, skills, slots, taken) VALUES
(1, 1, '清扫', '', 10, 4), (2, 1, '医疗保障', '医疗护理', 2, 1),
(3, 2, '医护', '医疗护理', 4, 2), (4, 2, '引导登记', '', 2, 1),
(5, 3, '陪伴', '陪护', 8, 2), (6, 3, '节目表演', '文体', 4, 0);

INSERT INTO activity_signup (activity_id, post_id, person_id, status, checked_in_at, checked_out_at, proposed_minutes,
  approved_minutes, created_at) VALUES
(1, 1, 2001, 'approved', TIMESTAMP(@today - INTERVAL 20 DAY, '00:50:00'), TIMESTAMP(@today - INTERVAL 20 DAY, '04:05:00'),
  195, 180, @now - INTERVAL 25 DAY),
(1, 1, 1001, 'approved', TIMESTAMP(@today - INTERVAL 20 DAY, '00:55:00'), TIMESTAMP(@today - INTERVAL 20 DAY, '04:00:00'),
  185, 180, @now - INTERVAL 24 DAY),
(1, 1, 1002, 'approved', TIMESTAMP(@today - INTERVAL 20 DAY, '01:05:00'), NULL, NULL, 180, @now - INTERVAL 24 DAY),
(1, 1, 2010, 'no_show', NULL, NULL, NULL, NULL, @now - INTERVAL 23 DAY),
(1, 2, 2005, 'approved', TIMESTAMP(@today - INTERVAL 20 DAY, '00:45:00'), TIMESTAMP(@today - INTERVAL 20 DAY, '04:10:00'),
  205, 180, @now - INTERVAL 25 DAY),
(2, 3, 2006, 'approved', TIMESTAMP(@today - INTERVAL 8 DAY, '00:50:00'), TIMESTAMP(@today - INTERVAL 8 DAY, '04:00:00'),
  190, 180, @now - INTERVAL 12 DAY),
(2, 3, 2011, 'approved', TIMESTAMP(@today - INTERVAL 8 DAY, '00:58:00'), TIMESTAMP(@today - INTERVAL 8 DAY, '03:30:00'),
  152, 150, @now - INTERVAL 12 DAY),
(2, 4, 1001, 'approved', TIMESTAMP(@today - INTERVAL 8 DAY, '00:40:00'), TIMESTAMP(@today - INTERVAL 8 DAY, '04:00:00'),
  200, 180, @now - INTERVAL 11 DAY),
(3, 5, 2005, 'signed', NULL, NULL, NULL, NULL, @now - INTERVAL 1 DAY),
(3, 5, 1002, 'signed', NULL, NULL, NULL, NULL, @now - INTERVAL 1 DAY);

-- A 四点半课堂 on weekdays for four weeks from last Monday, with two volunteers a session.
SET @monday = @today - INTERVAL WEEKDAY(@today) DAY;
INSERT INTO service_series (id, community_id, title, kind, weekdays, starts, ends, first_day, last_day, capacity,
  volunteers, place, created_by, created_at) VALUES
(1, 11, '四点半课堂', 'class', '1,2,3,4,5', '16:30', '18:00', @monday, @monday + INTERVAL 25 DAY, 20, 2,
  '城东社区党群服务中心二楼', 9011, @now - INTERVAL 10 DAY);
INSERT INTO activity (id, community_id, series_id, title, place, starts_at, ends_at, status, checkin_secret, created_by,
  created_at)
SELECT 100 + d.n, 11, 1, '四点半课堂', '城东社区党群服务中心二楼',
       TIMESTAMP(@monday + INTERVAL d.n DAY, '08:30:00'), TIMESTAMP(@monday + INTERVAL d.n DAY, '10:00:00'),
       CASE WHEN @monday + INTERVAL d.n DAY < @today THEN 'closed' ELSE 'open' END,
       SHA2(CONCAT('series-', d.n, RAND()), 256), 9011, @now - INTERVAL 10 DAY
  FROM (SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 7
        UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 14
        UNION ALL SELECT 15 UNION ALL SELECT 16 UNION ALL SELECT 17 UNION ALL SELECT 18 UNION ALL SELECT 21
        UNION ALL SELECT 22 UNION ALL SELECT 23 UNION ALL SELECT 24 UNION ALL SELECT 25) d;
INSERT INTO activity_post (activity_id, name, skills, slots, taken)
SELECT id, '志愿者', '教育辅导', 2, CASE WHEN id < 105 THEN 2 ELSE 0 END FROM activity WHERE series_id = 1;
INSERT INTO activity_signup (activity_id, post_id, person_id, status, created_at)
SELECT a.id, p.id, v.person_id, 'signed', @now - INTERVAL 9 DAY
  FROM activity a JOIN activity_post p ON p.activity_id = a.id
  JOIN (SELECT 2006 person_id UNION ALL SELECT 1002) v
 WHERE a.series_id = 1 AND a.id < 105;
INSERT INTO series_enrolment (id, series_id, guardian_id, participant, age, status, created_at) VALUES
(1, 1, 1001, '王小明', 9, 'enrolled', @now - INTERVAL 9 DAY),
(2, 1, 1002, '李小红', 8, 'enrolled', @now - INTERVAL 9 DAY),
(3, 1, 1003, '赵小刚', 10, 'enrolled', @now - INTERVAL 8 DAY);

-- 楼栋长 of 金龙小区 1–6栋: three held, with duties logged.
INSERT INTO service_post (id, community_id, area_id, title, duties, term_months, created_by, created_at) VALUES
(1, 11, 111101, '金龙小区1栋楼栋长', '每周巡楼一次，收集居民诉求，协助网格员走访', 12, 9011, @now - INTERVAL 90 DAY),
(2, 11, 111102, '金龙小区2栋楼栋长', '每周巡楼一次，收集居民诉求，协助网格员走访', 12, 9011, @now - INTERVAL 90 DAY),
(3, 11, 111103, '金龙小区3栋楼栋长', '每周巡楼一次，收集居民诉求，协助网格员走访', 12, 9011, @now - INTERVAL 90 DAY),
(4, 11, 111104, '金龙小区4栋楼栋长', '每周巡楼一次，收集居民诉求，协助网格员走访', 12, 9011, @now - INTERVAL 90 DAY),
(5, 11, 111105, '金龙小区5栋楼栋长', '每周巡楼一次，收集居民诉求，协助网格员走访', 12, 9011, @now - INTERVAL 90 DAY),
(6, 11, 111, '金龙小区文明劝导员', '劝导乱停车、乱扔垃圾，每周两次', 6, 9011, @now - INTERVAL 90 DAY);
INSERT INTO post_holding (id, post_id, person_id, starts_on, ends_on, status, created_at) VALUES
(1, 1, 2001, @today - INTERVAL 80 DAY, @today - INTERVAL 80 DAY + INTERVAL 12 MONTH, 'active', @now - INTERVAL 80 DAY),
(2, 3, 2005, @today - INTERVAL 70 DAY, @today - INTERVAL 70 DAY + INTERVAL 12 MONTH, 'active', @now - INTERVAL 70 DAY),
(3, 6, 1001, @today - INTERVAL 40 DAY, @today - INTERVAL 40 DAY + INTERVAL 6 MONTH, 'active', @now - INTERVAL 40 DAY);
INSERT INTO post_duty (id, holding_id, note, minutes, done_on, created_at) VALUES
(1, 1, '巡楼，清理1单元楼道堆物', 60, @today - INTERVAL 21 DAY, @now - INTERVAL 21 DAY),
(2, 1, '巡楼，收集诉求2条', 45, @today - INTERVAL 14 DAY, @now - INTERVAL 14 DAY),
(3, 2, '巡楼，发现3栋楼道灯坏，已报网格员', 40, @today - INTERVAL 10 DAY, @now - INTERVAL 10 DAY),
(4, 3, '劝导乱停车6起', 90, @today - INTERVAL 6 DAY, @now - INTERVAL 6 DAY);

-- Every approved activity hour and duty is a line of the service record, and on the person's total.
INSERT INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, team_id, community_id, created_at)
SELECT s.person_id, 'activity', s.activity_id, s.approved_minutes, DATE(a.starts_at + INTERVAL 8 HOUR),
       (SELECT m.unit_id FROM member m WHERE m.person_id = s.person_id),
       (SELECT v.team_id FROM volunteer v WHERE v.person_id = s.person_id), 11, a.closed_at
  FROM activity_signup s JOIN activity a ON a.id = s.activity_id WHERE s.status = 'approved';
INSERT INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, team_id, community_id, created_at)
SELECT h.person_id, 'post', d.id, d.minutes, d.done_on, (SELECT m.unit_id FROM member m WHERE m.person_id = h.person_id),
       (SELECT v.team_id FROM volunteer v WHERE v.person_id = h.person_id), 11, d.created_at
  FROM post_duty d JOIN post_holding h ON h.id = d.holding_id;
UPDATE member m SET service_minutes = service_minutes + (SELECT COALESCE(SUM(r.minutes), 0) FROM service_record r
  WHERE r.person_id = m.person_id AND r.source IN ('activity', 'post'));
UPDATE volunteer v SET service_minutes = service_minutes + (SELECT COALESCE(SUM(r.minutes), 0) FROM service_record r
  WHERE r.person_id = v.person_id AND r.source IN ('activity', 'post'))
 WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.person_id = v.person_id);

-- Households of 金龙小区 1–3栋 and the grid worker's visits.
INSERT INTO household (id, building_id, room, head_name, phone, people, categories, note, created_at, updated_at) VALUES
(1, 111101, '101', '张桂兰', '13700010101', 1, 'elderly_alone', '子女在外地', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(2, 111101, '201', '刘建军', '13700010201', 3, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(3, 111101, '301', '陈秀英', '13700010301', 4, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(4, 111101, '401', '杨志强', '13700010401', 2, 'unemployed', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(5, 111102, '101', '黄玉梅', '13700020101', 3, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(6, 111102, '201', '周德明', '13700020201', 2, 'illness,difficulty', '老伴重病', @now - INTERVAL 200 DAY,
  @now - INTERVAL 200 DAY),
(7, 111102, '301', '吴海燕', '13700020301', 4, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(8, 111102, '401', '徐明华', '13700020401', 3, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(9, 111103, '101', '孙淑珍', '13700030101', 1, 'elderly_alone', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(10, 111103, '201', '马国庆', '13700030201', 5, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(11, 111103, '301', '朱丽娟', '13700030301', 3, '', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY),
(12, 111103, '401', '胡建平', '13700030401', 2, 'correction', '', @now - INTERVAL 200 DAY, @now - INTERVAL 200 DAY);

INSERT INTO list_item (id, community_id, kind, title, description, category_id, source, status, created_by, created_at,
  updated_at) VALUES
(13, 11, 'need', '独居老人紧急呼叫器', '1栋101走访发现：张桂兰独居，希望安装紧急呼叫器', 7, 'visit', 'open', 9101,
  @now - INTERVAL 12 DAY, @now - INTERVAL 12 DAY);

INSERT INTO visit (household_id, visitor_id, visited_at, found, need_item_id, created_at) VALUES
(1, 9101, @now - INTERVAL 12 DAY, '老人独居，腿脚不便，希望安装紧急呼叫器', 13, @now - INTERVAL 12 DAY),
(4, 9101, @now - INTERVAL 12 DAY, '仍在找工作，已推荐社区招聘会', NULL, @now - INTERVAL 12 DAY),
(6, 9101, @now - INTERVAL 11 DAY, '老伴住院，已申请临时救助', NULL, @now - INTERVAL 11 DAY),
(2, 9101, @now - INTERVAL 11 DAY, '家中一切正常', NULL, @now - INTERVAL 11 DAY),
(3, 9101, @now - INTERVAL 10 DAY, '反映楼下夜间噪音', NULL, @now - INTERVAL 10 DAY),
(5, 9101, @now - INTERVAL 10 DAY, '家中一切正常', NULL, @now - INTERVAL 10 DAY),
(9, 2010, @now - INTERVAL 5 DAY, '老人身体尚可，提醒按时吃药', NULL, @now - INTERVAL 5 DAY);
UPDATE household h SET last_visited_at = (SELECT MAX(v.visited_at) FROM visit v WHERE v.household_id = h.id)
 WHERE h.id <= 12;

INSERT INTO area_assignment (person_id, area_id, role, monthly_quota, starts_on, ends_on, created_by, created_at) VALUES
(2010, 111, 'cadre', 8, @today - INTERVAL 30 DAY, @today + INTERVAL 335 DAY, 9011, @now - INTERVAL 30 DAY);
