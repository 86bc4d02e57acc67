-- Orders resolved before the service record existed get their line in it, so that a member's record covers all their
-- service (their totals on member.service_minutes already include these hours and are not touched). Credit went to
-- the member who held the order when it was resolved.
INSERT IGNORE INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, community_id, created_at)
SELECT o.claimer_person_id, 'order', o.id, o.service_minutes, DATE(o.resolved_at + INTERVAL 8 HOUR), m.unit_id,
       (SELECT a.id FROM area a WHERE a.kind = 'community' AND o.area_path LIKE CONCAT(a.path, '%') LIMIT 1),
       o.resolved_at
  FROM service_order o JOIN member m ON m.person_id = o.claimer_person_id
 WHERE o.resolved_at IS NOT NULL AND o.service_minutes > 0;
