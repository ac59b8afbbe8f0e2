-- 0002: recent searches, a source of autocomplete suggestions (spec IV).
CREATE TABLE search_history (
    query        TEXT PRIMARY KEY,
    last_used_at TIMESTAMP NOT NULL,
    use_count    INTEGER NOT NULL DEFAULT 1
);
