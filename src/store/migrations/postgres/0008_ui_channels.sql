-- Channels made in the web app (the YAML file's channels are never stored here: they stay the
-- source of truth of a GitOps setup and are shown read-only). `body` is the channel as the
-- channel schema validates it (the same shape as a YAML channel), kept as text so its keys keep
-- their order. `schedule` is a cron expression run by `revmeta serve`; it may also be set for a
-- YAML channel, which then has a row here with a NULL body.
CREATE TABLE ui_channels (
  name        text PRIMARY KEY,
  body        text,
  schedule    text,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
