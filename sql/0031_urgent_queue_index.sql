-- The console's urgent queue lists the open urgent orders of an area, newest first. Without an index that starts with
-- urgency, the optimizer walks the creation-time index backwards hoping to meet 50 urgent rows, and with few urgent
-- orders among a million reads them all (3.2 s for a street of the bench data set; with this index, see the README).
CREATE INDEX ix_service_order_urgency ON service_order (urgency, status, area_path, created_at);
