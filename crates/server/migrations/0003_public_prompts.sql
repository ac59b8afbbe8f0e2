-- Public prompts uploaded by their owners and served to other users by sync.
--
-- Sync pages in (txid, seq) order and serves only rows whose inserting
-- transaction is older than every transaction still in flight
-- (txid < pg_snapshot_xmin(pg_current_snapshot())): such rows can no longer
-- appear behind a client's cursor. See docs/server.md, "Sync cursor".
CREATE TABLE public_prompts (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    synopsis TEXT,
    tags TEXT[] NOT NULL DEFAULT '{}',
    score INTEGER CHECK (score BETWEEN 0 AND 100),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, -- the client's creation time
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    uploaded_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The inserting transaction's 64-bit id (xid8, which never wraps around).
    txid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    -- Order of rows inside one transaction.
    seq BIGSERIAL NOT NULL
);

CREATE UNIQUE INDEX idx_public_prompts_sync ON public_prompts (txid, seq);
CREATE INDEX idx_public_prompts_owner ON public_prompts (owner_id);
CREATE INDEX idx_public_prompts_uploaded ON public_prompts (uploaded_at);
