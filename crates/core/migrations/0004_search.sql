-- 0004: full-text search support. `prompt_search` holds each prompt's
-- indexed text (synopsis and content, with CJK runs as bigrams); DuckDB's
-- FTS index is built over it. `fts_pending` lists prompts changed since the
-- last index build: search scans those directly, so a saved prompt is
-- findable at once, until the next (background) rebuild.
CREATE TABLE prompt_search (
    id   UUID PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE SEQUENCE fts_pending_seq;
CREATE TABLE fts_pending (
    id  UUID PRIMARY KEY,
    seq BIGINT NOT NULL
);
