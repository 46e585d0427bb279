-- The gateway's own store: API keys (only a hash of each secret) and the audit log.

create table api_key (
    id          text        primary key,
    workspace   text        not null,
    name        text        not null,
    scopes      text[]      not null,
    -- Requests per second this key may make; null takes the gateway's default.
    rate_limit  integer,
    secret_hash bytea       not null,
    created_at  timestamptz not null,
    created_by  text        not null,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);

create index api_key_workspace_idx on api_key (workspace, created_at);

-- Append-only: who did what to which object, never the PII itself.
create table audit_entry (
    id         bigint      generated always as identity primary key,
    workspace  text        not null,
    at         timestamptz not null,
    actor      text        not null,
    action     text        not null,
    target     text,
    detail     jsonb       not null default '{}'
);

create index audit_entry_workspace_idx on audit_entry (workspace, id desc);
create index audit_entry_action_idx on audit_entry (workspace, action, id desc);
