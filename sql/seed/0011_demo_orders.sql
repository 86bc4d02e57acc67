-- Demo service orders for the staff console: a dozen reports from the demo residents, in every state a secretary
-- meets in a week (new, accepted, in the pool, claimed, in progress, resolved, closed; one urgent, one overdue).
-- Codes use past days' numbers from 9001, which the day counter never reaches.
SET @now = UTC_TIMESTAMP(3);

INSERT INTO service_order (code, source, resident_id, area_id, area_path, category_id, description, location_text,
  latitude, longitude, urgency, status, ack_due_at, resolve_due_at, next_remind_at, next_escalate_at, created_at,
  accepted_at, published_at, claimed_at, started_at, resolved_at, closed_at, claimer_person_id, satisfaction,
  updated_at)
VALUES
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 1 DAY, '%Y%m%d'), '-9001'), 'wechat_chat', 1001, 111103,
  '/100/1/11/111/1111/111103/', 1, '3栋楼下垃圾桶满了两天没人清运，味道很大', '金龙小区3栋楼下', 33.151920, 107.331380,
  'normal', 'submitted', @now + INTERVAL 3 HOUR, @now + INTERVAL 2 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 2 DAY,
  @now - INTERVAL 5 HOUR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 1 DAY, '%Y%m%d'), '-9002'), 'mini_program', 1002, 111208,
  '/100/1/11/111/1112/111208/', 2, '8栋2单元楼道灯坏了，晚上老人上下楼看不见', '金龙小区8栋2单元', 33.150480, 107.332740,
  'normal', 'submitted', @now + INTERVAL 4 HOUR, @now + INTERVAL 3 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 3 DAY,
  @now - INTERVAL 3 HOUR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 1 DAY, '%Y%m%d'), '-9003'), 'wechat_chat', 1003, 112102,
  '/100/1/11/112/1121/112102/', 4, '楼上装修每天早上七点就开始电钻，影响休息', '文化路小区2栋', 33.150840, 107.339560,
  'normal', 'submitted', @now + INTERVAL 6 HOUR, @now + INTERVAL 3 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 3 DAY,
  @now - INTERVAL 2 HOUR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 2 DAY, '%Y%m%d'), '-9004'), 'mini_program', 1005, 121105,
  '/100/1/12/121/1211/121105/', 3, '小区门口常年有车乱停，消防通道被堵', '世纪山水一期南门', 33.143940, 107.327920,
  'normal', 'submitted', @now + INTERVAL 1 HOUR, @now + INTERVAL 2 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 2 DAY,
  @now - INTERVAL 1 DAY, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 2 DAY, '%Y%m%d'), '-9005'), 'wechat_chat', 1004, 112210,
  '/100/1/11/112/1122/112210/', 7, '独居老人杨大爷家水管漏水，需要有人帮忙看看', '文化路小区10栋', 33.149000, 107.341240,
  'normal', 'accepted', @now - INTERVAL 1 DAY, @now + INTERVAL 2 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 2 DAY,
  @now - INTERVAL 2 DAY, @now - INTERVAL 1 DAY, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 3 DAY, '%Y%m%d'), '-9006'), 'mini_program', 1006, 121211,
  '/100/1/12/121/1212/121211/', 2, '11栋电梯按键失灵，物业一直没修', '世纪山水二期11栋', 33.142660, 107.329600,
  'normal', 'published', @now - INTERVAL 2 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 12 HOUR, @now + INTERVAL 1 DAY,
  @now - INTERVAL 3 DAY, @now - INTERVAL 2 DAY, @now - INTERVAL 2 DAY, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 3 DAY, '%Y%m%d'), '-9007'), 'wechat_chat', 1001, 111103,
  '/100/1/11/111/1111/111103/', 12, '希望社区组织一次老年人智能手机培训', '金龙小区', 33.151760, 107.331060,
  'normal', 'published', @now - INTERVAL 2 DAY, @now + INTERVAL 4 DAY, @now + INTERVAL 2 DAY, @now + INTERVAL 4 DAY,
  @now - INTERVAL 3 DAY, @now - INTERVAL 2 DAY, @now - INTERVAL 2 DAY, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 4 DAY, '%Y%m%d'), '-9008'), 'mini_program', 1002, 111208,
  '/100/1/11/111/1112/111208/', 1, '小区绿化带里堆了建筑垃圾', '金龙小区8栋旁绿化带', 33.150320, 107.332980,
  'normal', 'claimed', @now - INTERVAL 3 DAY, @now + INTERVAL 1 DAY, @now + INTERVAL 12 HOUR, @now + INTERVAL 1 DAY,
  @now - INTERVAL 4 DAY, @now - INTERVAL 3 DAY, @now - INTERVAL 3 DAY, @now - INTERVAL 2 DAY, NULL, NULL, NULL, 2001,
  NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 5 DAY, '%Y%m%d'), '-9009'), 'wechat_chat', 1003, 112102,
  '/100/1/11/112/1121/112102/', 2, '单元门门禁坏了，谁都能进', '文化路小区2栋1单元', 33.150680, 107.339240,
  'normal', 'in_progress', @now - INTERVAL 4 DAY, @now - INTERVAL 6 HOUR, @now + INTERVAL 1 HOUR, @now + INTERVAL 1 HOUR,
  @now - INTERVAL 5 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 3 DAY,
  NULL, NULL, 2002, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 1 DAY, '%Y%m%d'), '-9010'), 'wechat_chat', 1005, 121105,
  '/100/1/12/121/1211/121105/', 6, '地下车库有燃气味，担心泄漏', '世纪山水一期地下车库', 33.144340, 107.328160,
  'urgent', 'submitted', @now + INTERVAL 30 MINUTE, @now + INTERVAL 4 HOUR, @now + INTERVAL 2 HOUR,
  @now + INTERVAL 4 HOUR, @now - INTERVAL 20 MINUTE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 6 DAY, '%Y%m%d'), '-9011'), 'mini_program', 1004, 112210,
  '/100/1/11/112/1122/112210/', 1, '10栋楼顶积水，下雨漏到顶楼住户家里', '文化路小区10栋', 33.148840, 107.340920,
  'normal', 'resolved', @now - INTERVAL 5 DAY, @now - INTERVAL 2 DAY, NULL, NULL, @now - INTERVAL 6 DAY,
  @now - INTERVAL 5 DAY, @now - INTERVAL 5 DAY, @now - INTERVAL 5 DAY, @now - INTERVAL 4 DAY, @now - INTERVAL 2 DAY,
  NULL, 2003, NULL, @now),
 (CONCAT('GD', DATE_FORMAT(@now - INTERVAL 6 DAY, '%Y%m%d'), '-9012'), 'wechat_chat', 1006, 121211,
  '/100/1/12/121/1212/121211/', 2, '健身器材螺丝松动，小孩玩有危险', '世纪山水二期广场', 33.142500, 107.329840,
  'normal', 'closed', @now - INTERVAL 5 DAY, @now - INTERVAL 3 DAY, NULL, NULL, @now - INTERVAL 6 DAY,
  @now - INTERVAL 5 DAY, @now - INTERVAL 5 DAY, @now - INTERVAL 5 DAY, @now - INTERVAL 5 DAY, @now - INTERVAL 4 DAY,
  @now - INTERVAL 3 DAY, 2004, 'satisfied', @now);

-- Each order's timeline, step by step as its times say.
INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, created_at)
SELECT id, 'created', NULL, 'submitted', resident_id, 'resident', NULL, created_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND source IN ('wechat_chat','mini_program') AND resident_id BETWEEN 1001 AND 1010
UNION ALL
SELECT id, 'accepted', 'submitted', 'accepted', 9011, 'secretary', NULL, accepted_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND accepted_at IS NOT NULL
UNION ALL
SELECT id, 'published', 'accepted', 'published', 9011, 'secretary', NULL, published_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND published_at IS NOT NULL
UNION ALL
SELECT id, 'claimed', 'published', 'claimed', claimer_person_id, 'member', NULL, claimed_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND claimed_at IS NOT NULL
UNION ALL
SELECT id, 'started', 'claimed', 'in_progress', claimer_person_id, 'member', NULL, started_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND started_at IS NOT NULL
UNION ALL
SELECT id, 'resolved', 'in_progress', 'resolved', claimer_person_id, 'member', '已处理完毕，请居民确认', resolved_at
  FROM service_order WHERE code LIKE 'GD%-90__' AND resolved_at IS NOT NULL
UNION ALL
SELECT id, 'rated', 'resolved', 'closed', resident_id, 'resident', '满意', closed_at FROM service_order
 WHERE code LIKE 'GD%-90__' AND closed_at IS NOT NULL;
