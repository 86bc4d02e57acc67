-- Emergencies, labelled as the hazard decides (Intake:HazardCategories): gas, fire, electricity, flooding, violence
-- and missing people under 治安安全 (6), people hurt or fallen under 医疗卫生 (13), lift entrapment and structures
-- about to fall under 设施维修 (2). The detector files an emergency under its hazard's category whatever the
-- classifier says; these examples teach the classifier the same, for the messages the detector does not flag.
INSERT INTO intake_example (text, category_id, source, created_at) VALUES
('厨房闻到很浓的煤气味',6,'seed','2026-01-01 00:00:00'),
('楼道里有燃气泄漏的味道',6,'seed','2026-01-01 00:00:00'),
('燃气表一直嘶嘶响',6,'seed','2026-01-01 00:00:00'),
('楼下电动车着火了',6,'seed','2026-01-01 00:00:00'),
('隔壁窗户往外冒浓烟',6,'seed','2026-01-01 00:00:00'),
('配电箱冒火花',6,'seed','2026-01-01 00:00:00'),
('电线掉下来垂到地上了',6,'seed','2026-01-01 00:00:00'),
('水管爆了水往家里灌',6,'seed','2026-01-01 00:00:00'),
('地下车库被水淹了',6,'seed','2026-01-01 00:00:00'),
('小区门口有人拿刀打架',6,'seed','2026-01-01 00:00:00'),
('家里老人出门走失了',6,'seed','2026-01-01 00:00:00'),
('楼下有老人晕倒了',13,'seed','2026-01-01 00:00:00'),
('有人摔倒头在流血',13,'seed','2026-01-01 00:00:00'),
('孩子从阳台掉下来了',13,'seed','2026-01-01 00:00:00'),
('邻居好像一氧化碳中毒了',13,'seed','2026-01-01 00:00:00'),
('电梯困人了，里面有老人',2,'seed','2026-01-01 00:00:00'),
('电梯卡在两层中间出不来',2,'seed','2026-01-01 00:00:00'),
('招牌被风吹得快掉下来了',2,'seed','2026-01-01 00:00:00'),
('路上井盖不见了',2,'seed','2026-01-01 00:00:00'),
('阳台的瓷砖松动要掉了',2,'seed','2026-01-01 00:00:00');
