-- A person's notices about one order go out in the order they were written (accepted before claimed before
-- resolved), even when one of them has to be retried: a notice waits while an earlier one to the same person about
-- the same order is still unsent. The order each notice is about, as a column the outbox can look up.
ALTER TABLE delivery
  ADD COLUMN order_code VARCHAR(20) NULL COMMENT 'the order the notice is about, if any',
  ADD KEY ix_delivery_person_order (person_id, order_code, id);

UPDATE delivery SET order_code = JSON_UNQUOTE(JSON_EXTRACT(payload, '$.orderCode'))
 WHERE JSON_VALID(payload) AND JSON_EXTRACT(payload, '$.orderCode') IS NOT NULL;
