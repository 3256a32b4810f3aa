-- A server's own help resources, added by its moderators with /settings resource-add.
-- (guild_settings.support_role_id, from 0001, holds the role "Need support" may notify.)

-- AUTOINCREMENT: an id a moderator once saw is never reused for a different resource.
CREATE TABLE server_resources (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    contact     TEXT    NOT NULL,                  -- an https URL or a phone number
    description TEXT,
    country     TEXT,                              -- ISO 3166-1 alpha-2; NULL = server-wide
    added_by    INTEGER,                           -- the moderator who added it
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX server_resources_guild ON server_resources (guild_id);
CREATE INDEX server_resources_added_by ON server_resources (added_by);
