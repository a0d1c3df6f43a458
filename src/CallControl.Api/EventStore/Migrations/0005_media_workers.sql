-- The worker carrying each conversation's legs, so that the legs of a worker that stopped answering can be
-- found and ended; only live conversations are looked up this way.
ALTER TABLE conversations ADD COLUMN media_worker_id text;
CREATE INDEX conversations_live_by_worker ON conversations (media_worker_id) WHERE state <> 'ended';
