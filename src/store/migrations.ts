/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; PRAGMA user_version
 * records how many have run. Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE connections (
    name              TEXT PRIMARY KEY,
    source            TEXT NOT NULL CHECK (source IN ('env', 'slack')),
    token_ciphertext  TEXT,
    token_fingerprint TEXT NOT NULL,
    token_hash        TEXT NOT NULL,
    updated_by        TEXT,
    updated_at        INTEGER NOT NULL
  );
  CREATE TABLE check_history (
    id             INTEGER PRIMARY KEY,
    checked_at     INTEGER NOT NULL,
    connection     TEXT NOT NULL,
    target         TEXT NOT NULL,
    target_type    TEXT NOT NULL,
    category       TEXT NOT NULL,
    diagnosis_kind TEXT NOT NULL,
    http_status    INTEGER,
    request_id     TEXT,
    duration_ms    INTEGER NOT NULL,
    channel_id     TEXT,
    user_id        TEXT
  );
  CREATE INDEX check_history_target ON check_history (connection, target, checked_at);
  `,
  `
  ALTER TABLE connections ADD COLUMN env_token_hash TEXT;
  CREATE TABLE walkthroughs (
    id          TEXT PRIMARY KEY,
    channel_id  TEXT NOT NULL,
    report_ts   TEXT NOT NULL,
    message_ts  TEXT,
    status      TEXT NOT NULL,
    state_json  TEXT NOT NULL,
    report_json TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE INDEX walkthroughs_report ON walkthroughs (channel_id, report_ts);
  CREATE TABLE processed_actions (
    key          TEXT PRIMARY KEY,
    processed_at INTEGER NOT NULL
  );
  `,
];
