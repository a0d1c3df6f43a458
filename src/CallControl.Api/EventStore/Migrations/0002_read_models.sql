-- Agents and their stations: configuration data, replaced whole by PUT.
CREATE TABLE agents (
    tenant_id        text        NOT NULL,
    id               text        NOT NULL,
    display_name     text        NOT NULL,
    station_uri      text        NOT NULL,
    line_appearances int         NOT NULL,
    auto_answer      boolean     NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

-- The conversation read model, written in the append transaction. Ids are UUID v7 text, so ordering
-- by id is ordering by creation time.
CREATE TABLE conversations (
    tenant_id  text        NOT NULL,
    id         text        NOT NULL,
    version    bigint      NOT NULL,
    state      text        NOT NULL,
    direction  text        NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    agent_ids  text[]      NOT NULL,
    view       json        NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX conversations_by_agent ON conversations USING gin (agent_ids);

-- Each agent's desk: the sequence of its last update, what it holds now, and every update it got.
CREATE TABLE agent_desks (
    tenant_id              text   NOT NULL,
    agent_id               text   NOT NULL,
    sequence               bigint NOT NULL,
    active_conversation_id text,
    entries                jsonb  NOT NULL,
    snapshot               json   NOT NULL,
    PRIMARY KEY (tenant_id, agent_id)
);

CREATE TABLE agent_desk_updates (
    tenant_id       text        NOT NULL,
    agent_id        text        NOT NULL,
    sequence        bigint      NOT NULL,
    conversation_id text        NOT NULL,
    -- The conversation's version after the append that made this update: links an update to its append.
    conversation_version bigint NOT NULL,
    occurred_at     timestamptz NOT NULL,
    payload         json        NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, sequence)
);

CREATE INDEX agent_desk_updates_by_append ON agent_desk_updates (tenant_id, conversation_id, conversation_version);

-- The first response to each Idempotency-Key, replayed for repeats with the same request.
CREATE TABLE idempotency_records (
    tenant_id    text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       int         NOT NULL,
    body         text        NOT NULL,
    location     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);
