-- Everyone's starting 常用语 (staff add their own per area, category and state on the console).
INSERT INTO reply_template (area_id, purpose, category_id, status, text, created_at) VALUES
 (NULL, 'reject', NULL, 'submitted', '不属于社区受理范围，已告知居民向相关部门反映', UTC_TIMESTAMP(3)),
 (NULL, 'reject', NULL, 'submitted', '反映内容不够具体，请补充具体位置后重新提交', UTC_TIMESTAMP(3)),
 (NULL, 'reject', 5, 'submitted', '属于个人民事纠纷，建议通过人民调解或法律途径解决', UTC_TIMESTAMP(3)),
 (NULL, 'reject', 10, 'submitted', '属于物业合同范围，已转物业公司处理并告知居民', UTC_TIMESTAMP(3)),
 (NULL, 'extend', NULL, NULL, '需协调物业及相关部门，延长办理期限', UTC_TIMESTAMP(3)),
 (NULL, 'extend', NULL, NULL, '等待配件或施工队进场，延长办理期限', UTC_TIMESTAMP(3)),
 (NULL, 'extend', 2, NULL, '维修需等待天气好转后施工，延长办理期限', UTC_TIMESTAMP(3)),
 (NULL, 'progress', NULL, 'in_progress', '已到现场查看，正在协调处理', UTC_TIMESTAMP(3)),
 (NULL, 'progress', 1, 'in_progress', '已联系环卫清运，预计今日内清理完毕', UTC_TIMESTAMP(3)),
 (NULL, 'close', NULL, 'resolved', '问题已处理完毕，感谢您对社区工作的支持', UTC_TIMESTAMP(3));
