-- The embedded store on SQLite (issue 17): PostgreSQL's migrations 0001 to 0010 as one schema,
-- with the same tables, columns, constraints and indexes (test/store/schema-parity.test.ts
-- compares them). Types as SQLite keeps them: JSON and times are text (times as ISO-8601 UTC
-- with milliseconds, which sort as text), booleans 0/1, ids integers. Every later migration has
-- a file of the same number in both folders.

CREATE TABLE events (
  id          text PRIMARY KEY,
  source      text NOT NULL,
  payload     text NOT NULL,
  received_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE runs (
  id          integer PRIMARY KEY AUTOINCREMENT,
  mode        text NOT NULL CHECK (mode IN ('apply', 'rollback', 'replay', 'sync', 'webhook', 'poll')),
  note        text,
  started_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at text,
  counts      text NOT NULL DEFAULT '{}'
);

CREATE TABLE counters (
  name  text PRIMARY KEY,
  value integer NOT NULL
);
INSERT INTO counters (name, value) VALUES ('operation_seq', 0);

CREATE TABLE operations (
  id          integer PRIMARY KEY AUTOINCREMENT,
  run_id      integer NOT NULL,
  key         text NOT NULL,
  service     text NOT NULL,
  seq         integer NOT NULL,
  payload     text NOT NULL,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'applied', 'unchanged', 'unsupported', 'skipped', 'superseded', 'dead')),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  report      text,
  run_at      text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  locked_by   text,
  locked_at   text,
  created_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX operations_pending_key ON operations (key) WHERE status = 'pending' AND attempts = 0;
CREATE INDEX operations_claim_due ON operations (service, run_at, seq) WHERE status = 'pending';
CREATE INDEX operations_unsettled_key ON operations (key, seq) WHERE status IN ('pending', 'running');
CREATE INDEX operations_running ON operations (service, locked_by) WHERE status = 'running';
CREATE INDEX operations_run ON operations (run_id, status);
CREATE INDEX operations_dead ON operations (seq) WHERE status = 'dead';

CREATE TABLE audit (
  id           integer PRIMARY KEY AUTOINCREMENT,
  operation_id integer NOT NULL,
  run_id       integer NOT NULL,
  attempt      integer NOT NULL,
  service      text NOT NULL,
  asset        text NOT NULL,
  kind         text NOT NULL,
  statement    text NOT NULL,
  -- JSON text; SQL NULL is "not known", the text 'null' is "known to be absent".
  before       text,
  after        text,
  outcome      text NOT NULL CHECK (outcome IN ('sent', 'applied', 'failed', 'recovered')),
  at           text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX audit_operation ON audit (operation_id, attempt);
CREATE INDEX audit_run ON audit (run_id, id);

CREATE VIEW audit_log AS
  SELECT a.id, a.operation_id, a.run_id, a.attempt, a.service, a.asset, a.kind, a.statement, a.before, a.after,
    CASE WHEN a.outcome = 'sent' AND o.status = 'applied' AND a.run_id = o.run_id AND a.attempt = o.attempts
      THEN 'applied' ELSE a.outcome END AS outcome,
    a.at
  FROM audit a LEFT JOIN operations o ON o.id = a.operation_id;

CREATE TABLE cursors (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  updated_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Kept for the same columns as PostgreSQL's; SQLite reuses freed pages and needs no VACUUM for the queue.
CREATE TABLE maintenance (
  name    text PRIMARY KEY,
  settled integer NOT NULL DEFAULT 0
);
INSERT INTO maintenance (name) VALUES ('vacuum');

CREATE TABLE change_orders (
  service      text NOT NULL,
  asset        text NOT NULL,
  kind         text NOT NULL,
  item         text NOT NULL DEFAULT '',
  ord          text NOT NULL,
  operation_id integer,
  updated_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (service, asset, kind, item)
);

-- The built-in catalog (PostgreSQL's 0003). SQLite compares text byte by byte (BINARY), as the C collation does.
CREATE TABLE catalog_entities (
  id           text PRIMARY KEY,
  entity_type  text NOT NULL CHECK (entity_type IN ('database', 'databaseSchema', 'table')),
  fqn          text NOT NULL UNIQUE,
  service      text NOT NULL,
  database_fqn text,
  parent_fqn   text,
  json         text NOT NULL,
  deleted      integer NOT NULL DEFAULT 0,
  updated_at   integer NOT NULL
);

CREATE INDEX catalog_entities_by_service ON catalog_entities (entity_type, service, fqn);
CREATE INDEX catalog_entities_by_parent ON catalog_entities (entity_type, parent_fqn, fqn);
CREATE INDEX catalog_entities_by_database ON catalog_entities (entity_type, database_fqn, fqn);

CREATE TABLE catalog_users (
  id           text PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  email        text,
  display_name text,
  is_bot       integer NOT NULL DEFAULT 0,
  updated_at   integer NOT NULL
);

CREATE TABLE catalog_teams (
  id           text PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  email        text,
  display_name text,
  updated_at   integer NOT NULL
);

CREATE TABLE catalog_team_members (
  team_id text NOT NULL REFERENCES catalog_teams (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES catalog_users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX catalog_team_members_user ON catalog_team_members (user_id);

CREATE TABLE catalog_classifications (
  id                 text PRIMARY KEY,
  name               text NOT NULL UNIQUE,
  description        text,
  mutually_exclusive integer NOT NULL DEFAULT 0,
  updated_at         integer NOT NULL
);

CREATE TABLE catalog_tags (
  id                text PRIMARY KEY,
  classification_id text NOT NULL REFERENCES catalog_classifications (id) ON DELETE CASCADE,
  name              text NOT NULL,
  fqn               text NOT NULL UNIQUE,
  description       text,
  updated_at        integer NOT NULL,
  UNIQUE (classification_id, name)
);

CREATE TABLE catalog_events (
  seq         integer PRIMARY KEY AUTOINCREMENT,
  id          text NOT NULL UNIQUE,
  timestamp   integer NOT NULL,
  event_type  text NOT NULL,
  entity_type text NOT NULL,
  fqn         text,
  payload     text NOT NULL
);
CREATE INDEX catalog_events_time ON catalog_events (timestamp, seq);

CREATE TABLE catalog_subscriptions (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  endpoint    text NOT NULL,
  secret      text,
  http_method text NOT NULL DEFAULT 'POST' CHECK (http_method IN ('POST', 'PUT')),
  headers     text NOT NULL DEFAULT '{}',
  enabled     integer NOT NULL DEFAULT 1,
  updated_at  integer NOT NULL
);

CREATE TABLE api_tokens (
  id           integer PRIMARY KEY AUTOINCREMENT,
  name         text NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  token_hash   text NOT NULL UNIQUE,
  created_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at text,
  revoked_at   text
);

CREATE TABLE ui_channels (
  name        text PRIMARY KEY,
  body        text,
  schedule    text,
  updated_by  text NOT NULL,
  updated_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE web_sessions (
  id_hash     text PRIMARY KEY,
  csrf_hash   text NOT NULL,
  token_id    integer,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  created_at  text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at  text NOT NULL
);

CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);

CREATE TABLE sign_in_links (
  secret_hash text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  expires_at  text NOT NULL,
  used_at     text
);
