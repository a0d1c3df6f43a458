-- The event log: streams with their current version, and every event ever appended.
CREATE TABLE streams (
    tenant_id  text        NOT NULL,
    id         text        NOT NULL,
    type       text        NOT NULL,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    archived   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE events (
    seq        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  text        NOT NULL,
    stream_id  text        NOT NULL,
    version    bigint      NOT NULL,
    id         uuid        NOT NULL UNIQUE,
    type       text        NOT NULL,
    data       jsonb       NOT NULL,
    metadata   jsonb       NOT NULL,
    -- The appending transaction: subscriptions read below the oldest running one, in (tx_id, seq) order.
    tx_id      xid8        NOT NULL DEFAULT pg_current_xact_id(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version UNIQUE (tenant_id, stream_id, version)
);

CREATE INDEX events_commit_order ON events (tx_id, seq);

-- One row per subscription: the last (tx_id, seq) it handled, moved by compare-and-set.
CREATE TABLE subscriptions (
    name       text        PRIMARY KEY,
    tx_id      xid8        NOT NULL DEFAULT '0',
    seq        bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
