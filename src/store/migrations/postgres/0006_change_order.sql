-- Changes ordered by version (issue 10). Every change carries its source's order, as JSON
-- {"version": n, "timestamp": ms}, either part optional (model/order.ts). The store keeps, per
-- service, asset and kind (and for tags and owners per item: tags and owners are deltas), the
-- order of the last value applied; an operation older than that is settled `superseded` and never
-- sent, whatever file, run, process, webhook delivery or worker it came from.

-- A is older than B: both have versions and they differ → by version; otherwise both have
-- timestamps → by time. Equal is not older; a missing order is never older. Same rule as isOlder.
CREATE FUNCTION order_older(a jsonb, b jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN a IS NULL OR b IS NULL OR jsonb_typeof(a) <> 'object' OR jsonb_typeof(b) <> 'object' THEN false
    WHEN jsonb_typeof(a->'version') = 'number' AND jsonb_typeof(b->'version') = 'number' AND (a->>'version')::numeric <> (b->>'version')::numeric
      THEN (a->>'version')::numeric < (b->>'version')::numeric
    ELSE coalesce(jsonb_typeof(a->'timestamp') = 'number' AND jsonb_typeof(b->'timestamp') = 'number'
      AND (a->>'timestamp')::numeric < (b->>'timestamp')::numeric, false)
  END
$$;

-- The newer of two orders (as newerOrder): the newer whole when they compare, otherwise each
-- part's maximum, so a recorded order only ever grows.
CREATE FUNCTION order_newer(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT CASE
    WHEN a IS NULL OR jsonb_typeof(a) <> 'object' OR a = '{}' THEN CASE WHEN b = '{}' OR jsonb_typeof(b) <> 'object' THEN NULL ELSE b END
    WHEN b IS NULL OR jsonb_typeof(b) <> 'object' OR b = '{}' THEN a
    WHEN order_older(a, b) THEN b
    WHEN order_older(b, a) THEN a
    ELSE jsonb_strip_nulls(jsonb_build_object(
      'version', CASE WHEN jsonb_typeof(a->'version') = 'number' AND jsonb_typeof(b->'version') = 'number'
        THEN CASE WHEN (a->>'version')::numeric >= (b->>'version')::numeric THEN a->'version' ELSE b->'version' END
        ELSE coalesce(a->'version', b->'version') END,
      'timestamp', CASE WHEN jsonb_typeof(a->'timestamp') = 'number' AND jsonb_typeof(b->'timestamp') = 'number'
        THEN CASE WHEN (a->>'timestamp')::numeric >= (b->>'timestamp')::numeric THEN a->'timestamp' ELSE b->'timestamp' END
        ELSE coalesce(a->'timestamp', b->'timestamp') END))
  END
$$;

-- The order of the last value applied. `item` is '' for a description, the tag's source:tagFQN or
-- the owner's type:name for tags and owners. Not per channel: two channels writing one asset
-- write the same database object. Written only by settle (applied, or found unchanged), as a
-- maximum; rollback and unordered changes carry no order and never lower it.
CREATE TABLE change_orders (
  service      text NOT NULL,
  asset        text NOT NULL,
  kind         text NOT NULL,
  item         text NOT NULL DEFAULT '',
  ord          jsonb NOT NULL,
  operation_id bigint,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, asset, kind, item)
);

ALTER TABLE operations DROP CONSTRAINT operations_status_check;
ALTER TABLE operations ADD CONSTRAINT operations_status_check
  CHECK (status IN ('pending', 'running', 'applied', 'unchanged', 'unsupported', 'skipped', 'superseded', 'dead'));

-- Coalescing by order. Before, the operation queued later won; now the one with the newer order
-- does (ties and unordered ones: the later, as before): a description keeps the newer value, each
-- tag or owner the newer verdict (the item's own `order`), and the merged operation's `order` is
-- the newer of the two. Otherwise as in 0001.
CREATE OR REPLACE FUNCTION merge_operation(older_json json, newer_json json) RETURNS json
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT ((CASE WHEN newer->>'kind' = 'description' AND order_older(newer->'order', older->'order') THEN older ELSE newer END)
    || jsonb_build_object('origins', coalesce(older->'origins', '[]') || coalesce(newer->'origins', '[]'))
    || CASE WHEN order_newer(older->'order', newer->'order') IS NULL THEN '{}'::jsonb
         ELSE jsonb_build_object('order', order_newer(older->'order', newer->'order')) END
    || CASE WHEN newer->>'kind' IN ('tags', 'owners') THEN (
         SELECT jsonb_object_agg(side, coalesce((
           -- The older operation's items that the newer one does not decide anew...
           SELECT jsonb_agg(e ORDER BY n)
           FROM jsonb_array_elements(coalesce(older->side, '[]')) WITH ORDINALITY AS t(e, n)
           WHERE NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements(coalesce(newer->'add', '[]') || coalesce(newer->'remove', '[]')) m
             WHERE operation_item_key(newer->>'kind', m) = operation_item_key(newer->>'kind', e)
               AND NOT order_older(m->'order', e->'order'))
         ), '[]') || coalesce((
           -- ...then the newer one's items, but for those the older one decided later.
           SELECT jsonb_agg(m ORDER BY n)
           FROM jsonb_array_elements(coalesce(newer->side, '[]')) WITH ORDINALITY AS t(m, n)
           WHERE NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements(coalesce(older->'add', '[]') || coalesce(older->'remove', '[]')) e
             WHERE operation_item_key(newer->>'kind', m) = operation_item_key(newer->>'kind', e)
               AND order_older(m->'order', e->'order'))
         ), '[]'))
         FROM unnest(ARRAY['add', 'remove']) AS side)
       ELSE '{}'::jsonb END)::json
  FROM (SELECT older_json::jsonb AS older, newer_json::jsonb AS newer) AS v
$$;
