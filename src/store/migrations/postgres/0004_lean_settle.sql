-- Settling writes less. The audit rows of the attempt that applied an operation are no longer
-- rewritten from `sent` to `applied` (a second copy of every row, with three index entries):
-- such a row reads as applied through its operation, which once applied never runs again (a
-- later change to its key is a new operation), so its run and attempt stay the applying one's.
-- Rows already resolved keep their outcome; every other resolution is still written in the row.
-- Read the audit through this view: `outcome` in the table alone can say `sent` for a statement
-- that landed.
CREATE VIEW audit_log AS
  SELECT a.id, a.operation_id, a.run_id, a.attempt, a.service, a.asset, a.kind, a.statement, a.before, a.after,
    CASE WHEN a.outcome = 'sent' AND o.status = 'applied' AND a.run_id = o.run_id AND a.attempt = o.attempts
      THEN 'applied' ELSE a.outcome END AS outcome,
    a.at
  FROM audit a LEFT JOIN operations o ON o.id = a.operation_id;

-- The embedded store (PGlite) has no autovacuum, and no statistics collector to say when a table
-- needs one: settle counts here the operations it settled since the last VACUUM, so the store
-- vacuums once they reach a share of the table, however many processes that took. PostgreSQL
-- stores never use it: autovacuum does the job there.
CREATE TABLE maintenance (
  name    text PRIMARY KEY,
  settled bigint NOT NULL DEFAULT 0
);
INSERT INTO maintenance (name) VALUES ('vacuum');

-- The embedded store refreshes the planner's statistics itself (after large enqueues, and with
-- each VACUUM), for the columns the queue's plans depend on only, and from a small sample: a
-- default ANALYZE reads 30,000 rows and summarises every column, payloads included, which took
-- 0.1 s on a young store and 0.6 s by 80,000 operations. A handful of statuses and services, and
-- keys that are nearly all distinct, need no more than this to be estimated.
ALTER TABLE operations
  ALTER COLUMN status SET STATISTICS 10,
  ALTER COLUMN key SET STATISTICS 10,
  ALTER COLUMN service SET STATISTICS 10,
  ALTER COLUMN run_id SET STATISTICS 10;

-- Claims take each service's work from operations_claim_service, with or without per-service
-- caps: the index over all services' pending work only cost every enqueue one more entry.
DROP INDEX operations_claim;
