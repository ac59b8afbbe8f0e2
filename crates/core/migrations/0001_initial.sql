-- 0001: the design spec's two tables (section IV), column for column.
-- The vector dimension follows the configured embedding model; 384 fits the
-- default offline model and is changed by the store when the model changes.
CREATE TABLE prompts (
    id          UUID PRIMARY KEY,
    content     TEXT NOT NULL,
    synopsis    TEXT,
    tags        TEXT[],
    score       INTEGER CHECK (score >= 0 AND score <= 100),
    vector      FLOAT[384],
    owner_id    UUID NOT NULL,
    is_private  BOOLEAN NOT NULL DEFAULT TRUE,
    uploaded_at TIMESTAMP DEFAULT NULL,
    source      TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'synced')),
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value JSON
);
