-- Schedules, the delivery ledger, the server's own prompts and member suggestions.

-- AUTOINCREMENT: a schedule id is never reused, because message nonces derive from it.
CREATE TABLE schedules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('daily-prompt', 'starter')),
    channel_id     INTEGER NOT NULL,
    local_time     TEXT    NOT NULL,               -- HH:MM, 24-hour
    timezone       TEXT    NOT NULL,               -- IANA name
    weekdays       TEXT,                           -- "0,2,4" (Mon=0); NULL = every day
    types          TEXT,                           -- "emotional,physical"; NULL = all
    starter_format TEXT,                           -- starters: one format; NULL = all
    max_depth      INTEGER NOT NULL DEFAULT 2 CHECK (max_depth BETWEEN 1 AND 3),
    thread         INTEGER NOT NULL DEFAULT 0,
    ping_role_id   INTEGER,
    pin            INTEGER NOT NULL DEFAULT 0,
    cycle          INTEGER NOT NULL DEFAULT 1,     -- no-repeat rotation round
    next_fire_at   TEXT,                           -- UTC ISO instant of the next unclaimed slot
    skip_date      TEXT,                           -- a local date to skip once
    paused_reason  TEXT,                           -- NULL = active
    paused_by      TEXT CHECK (paused_by IN ('moderator', 'error')),
    last_message_id INTEGER,                       -- the previous post, for unpinning
    low_pool_warned_cycle INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    removed_at     TEXT                            -- kept for history and export
);
CREATE INDEX schedules_due ON schedules (next_fire_at)
    WHERE removed_at IS NULL AND paused_reason IS NULL;
CREATE INDEX schedules_guild ON schedules (guild_id);

-- One row per (schedule, local date): claimed -> sent | missed | failed | skipped.
CREATE TABLE deliveries (
    schedule_id INTEGER NOT NULL REFERENCES schedules (id),
    local_date  TEXT    NOT NULL,
    fire_at     TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'missed', 'failed', 'skipped')),
    cycle       INTEGER NOT NULL,
    item_id     TEXT,                              -- prompt/starter chosen at claim time
    message_id  INTEGER,
    thread_id   INTEGER,
    followups_done INTEGER NOT NULL DEFAULT 0,     -- thread/pin steps after the post
    attempts    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    claimed_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (schedule_id, local_date)
);
CREATE INDEX deliveries_open ON deliveries (status) WHERE status = 'claimed' OR followups_done = 0;

-- The server's own prompts (moderator-added or approved suggestions).
CREATE TABLE guild_prompts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    depth      INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 3),
    author_id  INTEGER,                            -- who wrote it (a suggestion's member)
    added_by   INTEGER,                            -- the moderator who added or approved it
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    removed_at TEXT
);
CREATE INDEX guild_prompts_guild ON guild_prompts (guild_id) WHERE removed_at IS NULL;

CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewed_by INTEGER,
    prompt_id   INTEGER REFERENCES guild_prompts (id),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    reviewed_at TEXT
);
CREATE INDEX suggestions_pending ON suggestions (guild_id) WHERE status = 'pending';

-- Notices to moderators that must go out once (e.g. "schedule 4 paused: missing permission").
CREATE TABLE notices (
    guild_id  INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    sent_at   TEXT    NOT NULL,
    PRIMARY KEY (guild_id, key)
);
