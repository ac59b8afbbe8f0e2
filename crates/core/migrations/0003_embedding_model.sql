-- 0003: which model produced each row's vector. A row is stale (queued for
-- embedding) when its vector is NULL or was made by another model.
ALTER TABLE prompts ADD COLUMN embedding_model TEXT;
