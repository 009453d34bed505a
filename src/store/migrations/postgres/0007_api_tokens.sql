-- API tokens of revmeta serve. Only a SHA-256 of each token is kept: tokens are 32 random bytes,
-- so a fast hash is enough, and a request is checked by looking its hash up (no comparison of
-- secrets in application code). Names stay taken after a revoke, so the audit trail (updatedBy)
-- always names one token.
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
