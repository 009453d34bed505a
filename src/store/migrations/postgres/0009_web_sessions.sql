-- Sessions of the web app. A session is made from an API token (or a one-time sign-in link) and
-- acts with that token's name and role. Only SHA-256 hashes of the session id and of the CSRF
-- token are kept, as for API tokens. A session dies with its token (token_id, checked on use),
-- at expires_at, or at sign-out.
CREATE TABLE web_sessions (
  id_hash     text PRIMARY KEY,
  csrf_hash   text NOT NULL,
  token_id    bigint,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);

-- One-time sign-in links (npm start prints one): a random secret, stored hashed, good for one
-- exchange before expires_at.
CREATE TABLE sign_in_links (
  secret_hash text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
