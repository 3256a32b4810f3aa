-- Weekly check-ins of pairs: questions, answers (kept until revealed + 7 days), follow-ups.
--
-- Each timed step of a week (post the questions, remind, reveal, close with the follow-up) is a
-- claim column set before acting and a done column set after, so a step happens exactly once
-- even across crashes: a claimed-but-not-done step is finished by the next run, which first
-- looks in the space for the message a dying run may already have posted.

-- A week of a group's term: its questions, the message that carries them, its steps.
CREATE TABLE checkin_weeks (
    group_id           INTEGER NOT NULL REFERENCES pair_groups (id),
    week               INTEGER NOT NULL,          -- 1-based
    opens_at           TEXT    NOT NULL,
    closes_at          TEXT    NOT NULL,
    remind_at          TEXT,                      -- NULL: opened too late for a reminder
    question_ids       TEXT    NOT NULL,          -- comma list of check-in question ids
    claimed_at         TEXT    NOT NULL,          -- the week was claimed (row inserted)
    posted_at          TEXT,                      -- its questions are in the space
    message_id         INTEGER,                   -- the questions' message (first DM for DMs)
    reminder_claimed_at TEXT,
    reminder_sent_at   TEXT,
    revealed_at        TEXT,                      -- answers shown (all answered, or at close)
    reveal_posted_at   TEXT,
    closed_at          TEXT,
    followup_posted_at TEXT,
    cancelled          INTEGER NOT NULL DEFAULT 0, -- the pairing ended before the week closed
    members            INTEGER,                   -- counts for /pairing stats, set at reveal
    answered           INTEGER,
    PRIMARY KEY (group_id, week)
);
-- Weeks with a step still to do (the minute tick reads only these).
CREATE INDEX checkin_weeks_open ON checkin_weeks (closes_at)
    WHERE followup_posted_at IS NULL AND cancelled = 0;

-- A member's answers for a week; deleted 7 days after they are revealed.
CREATE TABLE checkin_answers (
    group_id     INTEGER NOT NULL,
    week         INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    answers      TEXT,                            -- JSON object question id -> text; NULL: skipped
    skipped      INTEGER NOT NULL DEFAULT 0,
    rough_week   INTEGER NOT NULL DEFAULT 0,
    answered_at  TEXT    NOT NULL,
    purge_after  TEXT,                            -- revealed_at + 7 days
    PRIMARY KEY (group_id, week, user_id)
);
CREATE INDEX checkin_answers_purge ON checkin_answers (purge_after) WHERE purge_after IS NOT NULL;
CREATE INDEX checkin_answers_user ON checkin_answers (user_id);

-- "Did you connect?" follow-up answers (counts only, for /pairing stats).
CREATE TABLE checkin_connect (
    group_id  INTEGER NOT NULL,
    week      INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    connected INTEGER NOT NULL,
    PRIMARY KEY (group_id, week, user_id)
);
CREATE INDEX checkin_connect_user ON checkin_connect (user_id);
