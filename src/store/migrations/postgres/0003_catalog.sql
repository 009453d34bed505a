-- The built-in catalog: a small OpenMetadata-compatible catalog kept beside the queue. Tables
-- carry a catalog_ prefix because `events` already names the intake's received events.

-- One row per database, databaseSchema or table. `json` is the entity exactly as the API serves
-- it (json, not jsonb: jsonb would reorder the keys OpenMetadata clients see). FQNs sort in the C
-- collation so paging is byte-ordered and the same on every server locale.
CREATE TABLE catalog_entities (
  id           uuid PRIMARY KEY,
  entity_type  text NOT NULL CHECK (entity_type IN ('database', 'databaseSchema', 'table')),
  fqn          text COLLATE "C" NOT NULL UNIQUE,
  service      text NOT NULL,
  -- The database FQN of schemas and tables, so tables list by database as well as by schema.
  database_fqn text COLLATE "C",
  parent_fqn   text COLLATE "C",
  json         json NOT NULL,
  deleted      boolean NOT NULL DEFAULT false,
  updated_at   bigint NOT NULL
);

CREATE INDEX catalog_entities_by_service ON catalog_entities (entity_type, service, fqn);
CREATE INDEX catalog_entities_by_parent ON catalog_entities (entity_type, parent_fqn, fqn);
CREATE INDEX catalog_entities_by_database ON catalog_entities (entity_type, database_fqn, fqn);

CREATE TABLE catalog_users (
  id           uuid PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  email        text,
  display_name text,
  is_bot       boolean NOT NULL DEFAULT false,
  updated_at   bigint NOT NULL
);

CREATE TABLE catalog_teams (
  id           uuid PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  email        text,
  display_name text,
  updated_at   bigint NOT NULL
);

-- A user's teams and a team's users are one relation, kept once.
CREATE TABLE catalog_team_members (
  team_id uuid NOT NULL REFERENCES catalog_teams (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES catalog_users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX catalog_team_members_user ON catalog_team_members (user_id);

CREATE TABLE catalog_classifications (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL UNIQUE,
  description        text,
  mutually_exclusive boolean NOT NULL DEFAULT false,
  updated_at         bigint NOT NULL
);

CREATE TABLE catalog_tags (
  id                uuid PRIMARY KEY,
  classification_id uuid NOT NULL REFERENCES catalog_classifications (id) ON DELETE CASCADE,
  name              text NOT NULL,
  fqn               text NOT NULL UNIQUE,
  description       text,
  updated_at        bigint NOT NULL,
  UNIQUE (classification_id, name)
);

-- ChangeEvents as GET /api/v1/events serves them. seq breaks ties between events of one
-- millisecond, so "sorted by time" is a total order.
CREATE TABLE catalog_events (
  seq         bigserial PRIMARY KEY,
  id          uuid NOT NULL UNIQUE,
  timestamp   bigint NOT NULL,
  event_type  text NOT NULL,
  entity_type text NOT NULL,
  fqn         text,
  payload     json NOT NULL
);
CREATE INDEX catalog_events_time ON catalog_events (timestamp, seq);

-- Generic webhook subscriptions (OpenMetadata's EventSubscription with a Webhook destination).
CREATE TABLE catalog_subscriptions (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  endpoint    text NOT NULL,
  secret      text,
  http_method text NOT NULL DEFAULT 'POST' CHECK (http_method IN ('POST', 'PUT')),
  headers     json NOT NULL DEFAULT '{}',
  enabled     boolean NOT NULL DEFAULT true,
  updated_at  bigint NOT NULL
);
