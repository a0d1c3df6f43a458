-- Lanes are kept in the memory of the sending instance (the one running the webhook fan-out), which finds
-- the open ones in webhook_deliveries when its term starts; the per-lane table goes.
DROP TABLE webhook_lanes;

-- When a redeliver set the row back to pending, so that the sending instance finds redeliveries asked of
-- other instances.
ALTER TABLE webhook_deliveries ADD COLUMN requeued_at timestamptz;
CREATE INDEX webhook_deliveries_requeued ON webhook_deliveries (requeued_at) WHERE requeued_at IS NOT NULL;
