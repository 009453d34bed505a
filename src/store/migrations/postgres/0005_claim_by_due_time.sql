-- Claims take each service's work in the order it came due, then in queue order. Before, a retry
-- kept the place of its first attempt (its seq), so once due it went ahead of everything queued
-- since, and a short retryMaxMs could keep fresh work waiting behind operations that fail again
-- and again. Fresh work is due from the moment it is queued; a retry from its backoff's end.
-- Per-key order does not depend on this order: only the oldest unsettled operation of a key
-- (lowest seq) is ever claimable.
CREATE INDEX operations_claim_due ON operations (service, run_at, seq) WHERE status = 'pending';
DROP INDEX operations_claim_service;
