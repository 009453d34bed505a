import { storedStatuses } from './state-store.js'
import { operationJson } from './store-rows.js'

/**
 * The queue's statements for one schema `s` (already quoted). Kept apart from the store class so
 * the SQL reads in one place; each is one round trip over a whole batch (json_to_recordset).
 */

/**
 * Rows passed as a JSON array of values (`$json`, its elements as column `value`) beside arrays of
 * their short fields, zipped by position (ROWS FROM; a join on ordinality let the planner rescan
 * the JSON for every row once it misjudged the counts). json_to_recordset builds a field table for
 * every object, and spent a third of a 1,000-row enqueue doing it; this takes about half as long.
 */
export const zipped = (json: string, arrays: readonly string[], columns: string) =>
  `ROWS FROM (json_array_elements(${json}::json), ${arrays.map((a) => `unnest(${a})`).join(', ')}) AS x(value, ${columns})`

/**
 * $1 run id, $2 JSON array of operations, $3 their keys, $4 their services; keys unique within
 * the call (ON CONFLICT cannot touch one row twice in a statement). Returns one row: how many were
 * inserted, and how many coalesced into an existing pending operation.
 */
export const enqueueSql = (s: string) => `
  WITH upserted AS (
    INSERT INTO ${s}.operations AS o (run_id, key, service, payload)
    SELECT $1, x.key, x.service, x.value
    FROM ${zipped('$2', ['$3::text[]', '$4::text[]'], 'key, service')}
    ON CONFLICT (key) WHERE status = 'pending' AND attempts = 0 DO UPDATE SET
      payload = ${s}.merge_operation(o.payload, excluded.payload),
      run_id = excluded.run_id,
      service = excluded.service,
      seq = excluded.seq,
      updated_at = now()
    RETURNING (xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS coalesced FROM upserted`

/**
 * Per key, only the lowest-seq unsettled operation may run, and never beside a running one of
 * the same key: this keeps an older change from landing after a newer one, across workers.
 */
const headOfKey = (s: string) => `
  NOT EXISTS (
    SELECT 1 FROM ${s}.operations e
    WHERE e.key = o.key AND e.status IN ('pending', 'running') AND e.id <> o.id
      AND (e.seq < o.seq OR e.status = 'running'))`

const claimable = (s: string) => `
  o.status = 'pending' AND o.run_at <= now()
  AND ($3::text[] IS NULL OR o.service = ANY($3::text[]))
  AND ${headOfKey(s)}`

/** Ends a claim's WITH list: takes the rows picked by CTE `from`, returns them as one JSON array (see operationJson). */
const takeClaimed = (s: string, from: string) => `
  , claimed AS (
    UPDATE ${s}.operations o SET status = 'running', locked_by = $1, locked_at = now(),
      attempts = o.attempts + 1, updated_at = now()
    FROM ${from} picked WHERE o.id = picked.id
    RETURNING o.*)
  SELECT coalesce(json_agg(${operationJson('c')} ORDER BY c.seq), '[]')::text AS ops FROM claimed c`

/**
 * $1 worker, $2 limit, $3 services or null, $4 a JSON object { service: max running } (`{}`: no
 * caps). Each service with pending work (found by a loose index scan, so a long queue costs
 * nothing here) contributes its first operations in the order they came due (then by seq; see
 * migration 0005), as many as its remaining room, from its
 * own index range: a busy or saturated service never makes the claim walk past its rows. The row
 * lock sits in the scan itself, so workers claiming at once walk past each other's rows (SKIP
 * LOCKED) instead of all taking the same head. Callers serialize capped claims (advisory lock) so
 * that two workers never both see the same room.
 */
export const claimSql = (s: string) => `
  WITH RECURSIVE svc AS (
    (SELECT o.service FROM ${s}.operations o WHERE o.status = 'pending' ORDER BY o.service LIMIT 1)
    UNION ALL
    SELECT (SELECT o.service FROM ${s}.operations o WHERE o.status = 'pending' AND o.service > svc.service ORDER BY o.service LIMIT 1)
    FROM svc WHERE svc.service IS NOT NULL
  ), running AS (
    SELECT service, count(*) AS n FROM ${s}.operations WHERE status = 'running' GROUP BY service
  ), room AS (
    SELECT svc.service, CASE WHEN c.value IS NULL THEN $2::int ELSE least($2::int, greatest(c.value::int - coalesce(r.n, 0), 0)) END AS room
    FROM svc
    LEFT JOIN jsonb_each_text($4::jsonb) c ON c.key = svc.service
    LEFT JOIN running r ON r.service = svc.service
    WHERE svc.service IS NOT NULL AND ($3::text[] IS NULL OR svc.service = ANY($3::text[]))
  ), ready AS (
    SELECT p.id, p.run_at, p.seq FROM (SELECT * FROM room WHERE room > 0) room CROSS JOIN LATERAL (
      SELECT o.id, o.run_at, o.seq FROM ${s}.operations o
      WHERE o.service = room.service AND ${claimable(s)}
      ORDER BY o.run_at, o.seq LIMIT room.room
      FOR UPDATE OF o SKIP LOCKED
    ) p
  ), chosen AS (
    SELECT id FROM ready ORDER BY run_at, seq LIMIT $2
  )
  ${takeClaimed(s, 'chosen')}`

/**
 * $1 worker, $2 JSON array of reports, $3 to $6 arrays of id, status, error (JSON text) and
 * run_at, matched by position (see zipped); $7 a JSON array of order marks
 * ({id, service, asset, kind, item, ord}), one per order key at most, recorded for the operations
 * settled applied or unchanged. Rows no longer locked by the
 * worker (reclaimed after its lease ran out) are left alone. The audit follows the rules stated
 * on StateStore.settle. Rows whose statements may or may not have landed (an attempt that died
 * with a crash, or lost its connection while sending) stay `sent` until an attempt settles the
 * operation for good, since only then is it known whether they landed. An attempt is one
 * (run, attempt) pair: replay starts counting attempts again, in a new run.
 *
 * The rows of the attempt that applied the operation are not rewritten: they read as `applied`
 * through the operation (view audit_log, migration 0004), so the common case writes its audit
 * rows once. Every other resolution (earlier attempts, failures, recoveries) is written into the
 * row itself. Returns the ids settled, as one JSON array.
 */
export const settleSql = (s: string) => `
  WITH input AS (
    SELECT x.id, x.status, x.value AS report, x.error, x.run_at
    FROM ${zipped('$2', ['$3::bigint[]', '$4::text[]', '$5::jsonb[]', '$6::timestamptz[]'], 'id, status, error, run_at')}
  ), done AS (
    UPDATE ${s}.operations o SET
      status = CASE
        WHEN i.status = 'retry' THEN 'pending'
        WHEN i.status = 'unchanged' AND n.run_id IS NOT NULL THEN 'applied'
        ELSE i.status END,
      -- Found in place by read-back after an attempt that sent it: that read-back verifies it.
      report = CASE WHEN i.status = 'unchanged' AND n.run_id IS NOT NULL THEN (i.report::jsonb || jsonb_build_object('verified', true,
        'warnings', coalesce(i.report::jsonb->'warnings', '[]') || to_jsonb('landed in an interrupted earlier attempt: found in place, not sent again'::text)))::json
        ELSE i.report END,
      last_error = CASE WHEN i.status IN ('retry', 'dead') THEN i.error END,
      run_at = CASE WHEN i.status = 'retry' THEN i.run_at ELSE o.run_at END,
      locked_by = NULL, locked_at = NULL, updated_at = now()
    -- Each attempt that sent again had first read back that the earlier ones had not landed, so of
    -- the rows still unresolved only the newest attempt's can be the one found in place. Looked up
    -- for unchanged operations only: the others never need it.
    FROM input i LEFT JOIN LATERAL (
      SELECT a.run_id, a.attempt FROM ${s}.audit a
      WHERE a.operation_id = i.id AND a.outcome = 'sent' AND i.status = 'unchanged'
      ORDER BY a.id DESC LIMIT 1) n ON true
    WHERE o.id = i.id AND o.status = 'running' AND o.locked_by = $1
    RETURNING o.id, o.run_id, o.attempts, i.status AS settled, n.run_id AS found_run, n.attempt AS found_attempt,
      -- A connection lost while sending: whether the statements landed is not known yet.
      (i.status = 'retry' AND i.error->>'code' = 'CONNECTION_FAILED') AS unknown
  ), marked AS (
    -- The order of what the database now holds, as a maximum: a concurrent settle of a newer
    -- change (another channel, another worker) is never undone, whichever commits first.
    INSERT INTO ${s}.change_orders AS r (service, asset, kind, item, ord, operation_id)
    SELECT m.service, m.asset, m.kind, m.item, m.ord, m.id
    FROM json_to_recordset($7::json) AS m(id bigint, service text, asset text, kind text, item text, ord jsonb)
    WHERE EXISTS (SELECT 1 FROM done d WHERE d.id = m.id AND d.settled IN ('applied', 'unchanged'))
    ON CONFLICT (service, asset, kind, item) DO UPDATE SET
      ord = ${s}.order_newer(r.ord, excluded.ord),
      operation_id = CASE WHEN ${s}.order_older(r.ord, excluded.ord) THEN excluded.operation_id ELSE r.operation_id END,
      updated_at = now()
  ), resolved AS (
    UPDATE ${s}.audit a SET outcome = CASE
        WHEN d.settled = 'unchanged' AND a.run_id = d.found_run AND a.attempt = d.found_attempt THEN 'recovered'
        ELSE 'failed' END
    FROM done d
    WHERE a.operation_id = d.id AND a.outcome = 'sent' AND CASE d.settled
        WHEN 'applied' THEN NOT (a.run_id = d.run_id AND a.attempt = d.attempts)
        WHEN 'retry' THEN a.run_id = d.run_id AND a.attempt = d.attempts AND NOT d.unknown
        WHEN 'dead' THEN a.run_id = d.run_id AND a.attempt = d.attempts
        ELSE true END
  )
  SELECT coalesce(json_agg(id), '[]') AS ids FROM done`

/** A run's counts by stored status (all present, zeros included), plus total and verified. */
export const countsSql = (s: string, runId: string) => `(
  SELECT jsonb_object_agg(st.status, coalesce(c.n, 0))
    || jsonb_build_object('total', coalesce(sum(c.n), 0), 'verified', coalesce(sum(c.v), 0))
  FROM unnest(ARRAY[${storedStatuses.map((st) => `'${st}'`).join(', ')}]) AS st(status)
  LEFT JOIN (
    SELECT status, count(*) AS n, count(*) FILTER (WHERE report->>'verified' = 'true') AS v
    FROM ${s}.operations WHERE run_id = ${runId} GROUP BY status
  ) c ON c.status = st.status)`

/** $1 run, $2 ids or null. Only the newest operation of a key is replayed: see StateStore.replay. */
export const replaySql = (s: string) => `
  UPDATE ${s}.operations o SET status = 'pending', attempts = 0, run_id = $1,
    seq = nextval('${s}.operation_seq'), run_at = now(), locked_by = NULL, locked_at = NULL, updated_at = now()
  WHERE o.status = 'dead' AND ($2::bigint[] IS NULL OR o.id = ANY($2::bigint[]))
    AND NOT EXISTS (SELECT 1 FROM ${s}.operations n WHERE n.key = o.key AND n.seq > o.seq)`

/** $1 lease in milliseconds. Rows being settled right now are locked and skipped: not expired. */
export const reclaimSql = (s: string) => `
  UPDATE ${s}.operations o SET status = 'pending', locked_by = NULL, locked_at = NULL, updated_at = now()
  WHERE o.id IN (
    SELECT id FROM ${s}.operations
    WHERE status = 'running' AND locked_at < now() - make_interval(secs => $1::double precision / 1000)
    FOR UPDATE SKIP LOCKED)`

/** $1 worker, $2 the ids it is still working on, or null for all it holds. */
export const heartbeatSql = (s: string) => `
  UPDATE ${s}.operations o SET locked_at = now()
  WHERE o.id IN (
    SELECT id FROM ${s}.operations WHERE status = 'running' AND locked_by = $1
      AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
    FOR UPDATE SKIP LOCKED)`

/** $1 to $4 arrays of service, asset, kind and item: the recorded orders of those keys, as one JSON array of [service, asset, kind, item, ord]. */
export const ordersSql = (s: string) => `
  SELECT coalesce(json_agg(json_build_array(c.service, c.asset, c.kind, c.item, c.ord)), '[]') AS rows
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(service, asset, kind, item)
  JOIN ${s}.change_orders c ON c.service = k.service AND c.asset = k.asset AND c.kind = k.kind AND c.item = k.item`
/**
 * $1 age in milliseconds. Runs no process will finish: not finished, older than $1, and with
 * nothing of theirs pending or running. One with no operations at all was left by a process that
 * stopped before it queued anything, and says so in its note; one whose operations all settled
 * lost only its finishing stamp. Both get their counts, as finishRun gives them.
 */
export const closeAbandonedRunsSql = (s: string) => `
  UPDATE ${s}.runs r SET finished_at = now(), counts = ${countsSql(s, 'r.id')},
    note = CASE WHEN EXISTS (SELECT 1 FROM ${s}.operations o WHERE o.run_id = r.id) THEN r.note
      ELSE concat_ws('; ', nullif(r.note, ''), 'abandoned: its process stopped before it queued anything') END
  WHERE r.finished_at IS NULL AND r.started_at < now() - make_interval(secs => $1::double precision / 1000)
    AND NOT EXISTS (SELECT 1 FROM ${s}.operations o WHERE o.run_id = r.id AND o.status IN ('pending', 'running'))
  RETURNING r.id`
