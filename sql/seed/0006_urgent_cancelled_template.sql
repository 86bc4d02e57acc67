-- Staff alerted by an urgent report hear when the resident withdraws it, on the same template as the alert.
INSERT INTO notification_template (kind, channel, template_id, fields, page) VALUES
('urgent_cancelled', 'template', 'TPL_OA_DEADLINE', '[{"key":"character_string1","from":"code","type":"character_string"},{"key":"thing2","from":"title","type":"thing"},{"key":"time3","from":"time","type":"time"}]', 'pages/order/detail');
