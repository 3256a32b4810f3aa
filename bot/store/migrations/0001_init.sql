-- Servers the bot is in and their per-server configuration.
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    review_channel_id INTEGER,
    support_role_id   INTEGER,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
