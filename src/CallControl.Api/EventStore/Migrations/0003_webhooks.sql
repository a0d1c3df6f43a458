-- Webhook subscriptions of a tenant. The secret is kept to sign deliveries; it is shown once, at creation.
CREATE TABLE webhook_subscriptions (
    tenant_id  text        NOT NULL,
    id         text        NOT NULL,
    url        text        NOT NULL,
    events     text[]      NOT NULL,
    agent_ids  text[],
    secret     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);

-- One row per message per subscription. lane orders delivery: a later message of a lane waits until
-- the earlier one was delivered or died. message_id is the stable webhook-id (the receivers' dedupe key).
CREATE TABLE webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       text        NOT NULL,
    subscription_id text        NOT NULL,
    message_id      text        NOT NULL,
    event_type      text        NOT NULL,
    lane            text        NOT NULL,
    -- Event messages carry their payload; a conversationUpdate points at its agent's desk update instead,
    -- which every subscription shares (no copy per subscriber).
    payload         text,
    desk_agent_id   text,
    desk_sequence   bigint,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     int,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    window_start    timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, message_id),
    CONSTRAINT webhook_deliveries_payload CHECK (payload IS NOT NULL OR (desk_agent_id IS NOT NULL AND desk_sequence IS NOT NULL))
);

CREATE INDEX webhook_deliveries_open_lanes ON webhook_deliveries (subscription_id, lane, id) WHERE status IN ('pending', 'failed');
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (tenant_id, subscription_id, id);

-- Each lane's head: its oldest message not yet delivered or dead (null while the lane is idle), when it is
-- due, and the lease of the instance sending it. Senders claim lanes here instead of scanning messages.
CREATE TABLE webhook_lanes (
    subscription_id text        NOT NULL,
    lane            text        NOT NULL,
    head_id         bigint,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    PRIMARY KEY (subscription_id, lane)
);

CREATE INDEX webhook_lanes_due ON webhook_lanes (next_attempt_at) WHERE head_id IS NOT NULL;
