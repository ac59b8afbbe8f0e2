-- Users and their linked OAuth identities, exactly as in the design spec (VI).
CREATE TABLE users (
    user_id UUID PRIMARY KEY,
    email TEXT UNIQUE, -- primary verified email if available, nullable
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE user_authentications (
    provider_id TEXT NOT NULL, -- 'google', 'github'
    provider_user_id TEXT NOT NULL, -- the unique id from the provider
    user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (provider_id, provider_user_id),
    UNIQUE (user_id, provider_id) -- a user links only one account per provider
);

CREATE INDEX idx_user_auth_provider ON user_authentications (provider_id, provider_user_id);
CREATE INDEX idx_user_auth_user ON user_authentications (user_id);
