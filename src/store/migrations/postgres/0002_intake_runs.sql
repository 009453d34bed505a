-- Real-time intake: runs created by the webhook receiver and the OpenMetadata poller.
ALTER TABLE runs DROP CONSTRAINT runs_mode_check;
ALTER TABLE runs ADD CONSTRAINT runs_mode_check CHECK (mode IN ('apply', 'rollback', 'replay', 'sync', 'webhook', 'poll'));
