-- revmeta state store, version 1. Runs with search_path set to the store's schema, inside the
-- migration transaction, so names stay unqualified and the schema name stays configurable.

CREATE TABLE events (
  id          text PRIMARY KEY,             -- OpenMetadata's event id: the dedup key for redelivery
  source      text NOT NULL,
  payload     json NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
  id          bigserial PRIMARY KEY,
  mode        text NOT NULL CHECK (mode IN ('apply', 'rollback', 'replay', 'sync')),
  note        text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  counts      jsonb NOT NULL DEFAULT '{}'
);

-- Queue order, shared by all workers; taken again when an operation is coalesced or replayed.
CREATE SEQUENCE operation_seq;

-- No foreign keys here or in audit: checked row by row they added about 15% to every batched
-- write, and the store's own statements are the only writers.
CREATE TABLE operations (
  id          bigserial PRIMARY KEY,
  run_id      bigint NOT NULL,
  key         text NOT NULL,
  service     text NOT NULL,
  seq         bigint NOT NULL DEFAULT nextval('operation_seq'),
  -- json, not jsonb: written and read whole, and json skips the binary conversion (measured
  -- 7 ms of every 1,000 rows enqueued); merge_operation converts when it needs to.
  payload     json NOT NULL,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'applied', 'unchanged', 'unsupported', 'skipped', 'dead')),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  jsonb,
  report      json,
  run_at      timestamptz NOT NULL DEFAULT now(),
  locked_by   text,
  locked_at   timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Coalescing: at most one not-yet-attempted pending operation per key; enqueue upserts into it.
-- An attempted one (waiting for a retry, or reclaimed from a dead worker) stays out of it: it may
-- have to go back to pending while a newer operation already waits behind it, and it keeps its
-- place (lower seq) so the older change still lands first.
CREATE UNIQUE INDEX operations_pending_key ON operations (key) WHERE status = 'pending' AND attempts = 0;
-- Claim scans pending work in queue order, overall or per service (under per-service caps).
CREATE INDEX operations_claim ON operations (seq) WHERE status = 'pending';
CREATE INDEX operations_claim_service ON operations (service, seq) WHERE status = 'pending';
-- Claim's per-key ordering check only looks at unsettled work, which stays small.
CREATE INDEX operations_unsettled_key ON operations (key, seq) WHERE status IN ('pending', 'running');
-- Running counts per service, heartbeats and lease expiry.
CREATE INDEX operations_running ON operations (service, locked_by) WHERE status = 'running';
CREATE INDEX operations_run ON operations (run_id, status);
CREATE INDEX operations_dead ON operations (seq) WHERE status = 'dead';
-- Every index above that covers pending rows costs each enqueue, claim and settle (a status change
-- is never a HOT update), so rarer lookups (an asset's history, replay's "is there a newer one")
-- go without one.

CREATE TABLE audit (
  id           bigserial PRIMARY KEY,
  operation_id bigint NOT NULL,
  run_id       bigint NOT NULL,
  attempt      integer NOT NULL,
  service      text NOT NULL,
  asset        text NOT NULL,
  kind         text NOT NULL,
  statement    text NOT NULL,
  -- jsonb so that "known to be absent" (JSON null) differs from "not known" (SQL NULL).
  before       jsonb,
  after        jsonb,
  outcome      text NOT NULL CHECK (outcome IN ('sent', 'applied', 'failed', 'recovered')),
  at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_operation ON audit (operation_id, attempt);
CREATE INDEX audit_run ON audit (run_id, id);

CREATE TABLE cursors (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Identity of a tag or owner in an operation's lists, as the planner keys them.
CREATE FUNCTION operation_item_key(kind text, item jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kind WHEN 'tags' THEN (item->>'source') || ':' || (item->>'tagFQN') ELSE (item->>'type') || ':' || (item->>'name') END
$$;

-- Coalesces a newer operation into a pending one of the same key, with the planner's rule:
-- the newer desired state wins; for tag and owner lists, each item the newer operation mentions
-- takes the newer verdict and the others keep the older one, so no pending delta is lost.
-- search_path is pinned because callers reach this function by its qualified name only.
CREATE FUNCTION merge_operation(older_json json, newer_json json) RETURNS json
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT (newer
    || jsonb_build_object('origins', coalesce(older->'origins', '[]') || coalesce(newer->'origins', '[]'))
    || CASE WHEN newer->>'kind' IN ('tags', 'owners') THEN (
         SELECT jsonb_object_agg(side, coalesce((
           SELECT jsonb_agg(e ORDER BY n)
           FROM jsonb_array_elements(coalesce(older->side, '[]')) WITH ORDINALITY AS t(e, n)
           WHERE NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements(coalesce(newer->'add', '[]') || coalesce(newer->'remove', '[]')) m
             WHERE operation_item_key(newer->>'kind', m) = operation_item_key(newer->>'kind', e))
         ), '[]') || coalesce(newer->side, '[]'))
         FROM unnest(ARRAY['add', 'remove']) AS side)
       ELSE '{}'::jsonb END)::json
  FROM (SELECT older_json::jsonb AS older, newer_json::jsonb AS newer) AS v
$$;
