-- The queue's statements are now one SQL text for PostgreSQL and the embedded SQLite store
-- (issue 17), so nothing may depend on a PostgreSQL sequence: the queue order comes from this
-- counter, taken by the store in blocks (UPDATE … RETURNING), and seq is always given explicitly.
-- The functions merge_operation, order_older and order_newer stay for stores an older revmeta
-- still uses, but the store now merges and compares orders in TypeScript (one copy for both).
CREATE TABLE counters (
  name  text PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO counters (name, value)
  SELECT 'operation_seq', CASE WHEN is_called THEN last_value ELSE 0 END FROM operation_seq;
ALTER TABLE operations ALTER COLUMN seq DROP DEFAULT;
