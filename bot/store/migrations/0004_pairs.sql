-- Opt-in pairs: each server's weekly rounds, who opted in, blocks, and the groups rounds make.
-- Every row about a member holds their Discord user id in a column named *user_id or
-- blocked_id, so a member's own data can be found (export) and removed (deletion).

-- A server's weekly pairing rounds (set up by /pairing setup).
CREATE TABLE pairing_config (
    guild_id      INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL,               -- where private pair threads are made
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    local_time    TEXT    NOT NULL,               -- HH:MM
    timezone      TEXT    NOT NULL,
    term_weeks    INTEGER NOT NULL DEFAULT 4 CHECK (term_weeks BETWEEN 1 AND 12),
    enabled       INTEGER NOT NULL DEFAULT 1,
    next_fire_at  TEXT,                           -- UTC instant of the next round
    use_dms       INTEGER NOT NULL DEFAULT 0,     -- private threads impossible: fall back to DMs
    created_by    INTEGER,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX pairing_due ON pairing_config (next_fire_at) WHERE enabled = 1;

-- Members who opted in. status: active | paused | left.
CREATE TABLE pair_members (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    timezone       TEXT,                          -- NULL: the server's pairing timezone
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    paused_until   TEXT,                          -- local date the pause ends
    joined_at      TEXT    NOT NULL,
    unpaired_round TEXT,                          -- round date they were last left without a group
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX pair_members_user ON pair_members (user_id);

-- "Never pair me with": one direction as asked; the algorithm treats it as symmetric.
CREATE TABLE pair_blocks (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    blocked_id INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, blocked_id)
);
CREATE INDEX pair_blocks_blocked ON pair_blocks (blocked_id);

-- The ledger of rounds: one row per (server, round date), claimed before anything is created.
CREATE TABLE pair_rounds (
    guild_id    INTEGER NOT NULL,
    round_date  TEXT    NOT NULL,                 -- local date of the round
    fire_at     TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('claimed', 'done', 'missed', 'failed')),
    reason      TEXT,
    groups_made INTEGER NOT NULL DEFAULT 0,       -- new groups (a newcomer joining one counts not)
    unpaired    INTEGER NOT NULL DEFAULT 0,       -- active members left without a compatible group
    claimed_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, round_date)
);
CREATE INDEX pair_rounds_open ON pair_rounds (status) WHERE status = 'claimed';

-- A pair or trio for a term. space: a private thread, or DMs when threads are impossible.
CREATE TABLE pair_groups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    round_date   TEXT    NOT NULL,                -- the round that made it
    term_weeks   INTEGER NOT NULL,
    starts_at    TEXT    NOT NULL,                -- UTC instant
    ends_at      TEXT    NOT NULL,                -- UTC instant the term ends
    thread_id    INTEGER,                         -- NULL until the space exists
    use_dms      INTEGER NOT NULL DEFAULT 0,      -- the space is each member's DMs
    intro_sent   INTEGER NOT NULL DEFAULT 0,
    ended_at     TEXT,
    end_reason   TEXT,                            -- term | ended | left | paused | blocked | deleted | released
    end_notified INTEGER NOT NULL DEFAULT 0       -- "pairing ended" posted in the space (or not owed)
);
CREATE INDEX pair_groups_live ON pair_groups (guild_id) WHERE ended_at IS NULL;
CREATE INDEX pair_groups_round ON pair_groups (guild_id, round_date);
CREATE INDEX pair_groups_unnotified ON pair_groups (guild_id) WHERE end_notified = 0 AND ended_at IS NOT NULL;

CREATE TABLE pair_group_members (
    group_id INTEGER NOT NULL REFERENCES pair_groups (id),
    user_id  INTEGER NOT NULL,
    added    INTEGER NOT NULL DEFAULT 0,          -- given the space: added to the thread and greeted, or sent the intro by DM
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX pair_group_members_user ON pair_group_members (user_id);
CREATE INDEX pair_group_members_waiting ON pair_group_members (group_id) WHERE added = 0;
