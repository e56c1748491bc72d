import type Database from 'better-sqlite3';
import { backfillCheckDays } from './daily';
import { upgradeWalkthroughState } from './legacy';

/** The shape of walkthroughs.state_json written now (version 1 had no `version` field). */
export const STATE_VERSION = 2;

/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; PRAGMA user_version
 * records how many have run. Never edit a shipped migration: append a new one. A function
 * entry migrates data that SQL alone cannot.
 */
export const MIGRATIONS: (string | ((db: Database.Database) => void))[] = [
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
  `
  CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    posted_channel  TEXT,
    ts              TEXT,
    connection      TEXT NOT NULL,
    scope           TEXT NOT NULL CHECK (scope IN ('connection', 'resources')),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at       INTEGER NOT NULL,
    failing_since   INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    snoozed_by      TEXT,
    snoozed_until   INTEGER,
    last_reminder_at INTEGER,
    resolved_at     INTEGER,
    details_json    TEXT NOT NULL
  );
  CREATE INDEX alerts_open ON alerts (connection, status);
  CREATE TABLE watches (
    -- AUTOINCREMENT: an alert lists watch ids, so a removed watch's id must never come back.
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id      TEXT NOT NULL,
    connection      TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    title           TEXT,
    url             TEXT,
    added_by        TEXT NOT NULL,
    added_at        INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    state_since     INTEGER NOT NULL,
    kind            TEXT,
    request_id      TEXT,
    last_checked_at INTEGER,
    last_kind       TEXT,
    UNIQUE (channel_id, resource_id)
  );
  CREATE INDEX watches_connection ON watches (connection);
  CREATE TABLE connection_health (
    connection        TEXT PRIMARY KEY,
    state             TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    since             INTEGER NOT NULL,
    kind              TEXT,
    request_id        TEXT,
    unreachable_since INTEGER,
    notice_posted     INTEGER NOT NULL DEFAULT 0,
    last_sweep_at     INTEGER
  );
  `,
  `
  ALTER TABLE connections ADD COLUMN compromised_at INTEGER;
  CREATE TABLE leaks (
    id            TEXT PRIMARY KEY,
    channel_id    TEXT NOT NULL,
    message_ts    TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    connection    TEXT,
    reported_by   TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (channel_id, message_ts, token_hash)
  );
  `,
  // 0.2: walkthrough problems name their pages as data ({ input, id, title, url, type }),
  // no longer as Slack mrkdwn; rows written by 0.1 are rewritten once.
  (db) => {
    const rows = db.prepare('SELECT id, state_json AS json FROM walkthroughs').all() as {
      id: string;
      json: string;
    }[];
    const update = db.prepare('UPDATE walkthroughs SET state_json = ? WHERE id = ?');
    for (const row of rows) {
      const state = upgradeWalkthroughState(JSON.parse(row.json));
      update.run(JSON.stringify({ version: STATE_VERSION, ...state }), row.id);
    }
  },
  // One leak warning per message: its ts, so an edit adding tokens updates it; posted_at for
  // the per-channel rate limit.
  `
  CREATE TABLE leak_warnings (
    channel_id  TEXT NOT NULL,
    message_ts  TEXT NOT NULL,
    warning_ts  TEXT NOT NULL,
    posted_at   INTEGER NOT NULL,
    PRIMARY KEY (channel_id, message_ts)
  );
  CREATE INDEX leak_warnings_recent ON leak_warnings (channel_id, posted_at);
  `,
  // "Watch all": everything a connection's listing returned, and each item's status between
  // sweeps (the confirmation rule of watches). parent_id for the loss tree.
  `
  CREATE TABLE inventory (
    connection     TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('page', 'database', 'data_source')),
    title          TEXT NOT NULL,
    url            TEXT,
    parent_id      TEXT,
    in_trash       INTEGER NOT NULL CHECK (in_trash IN (0, 1)),
    state          TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    state_since    INTEGER NOT NULL,
    kind           TEXT,
    request_id     TEXT,
    last_listed_at INTEGER NOT NULL,
    PRIMARY KEY (connection, item_id)
  );
  CREATE INDEX inventory_parent ON inventory (connection, parent_id);
  `,
  // Connections (several integrations): each one's identity from users.me, its Notion webhook
  // verification tokens (sealed: the current one, and the latest received until a delivery
  // signed with it proves it is Notion's), each channel's chosen connection, and "watch all"
  // subscriptions. Alerts gain the 'inventory' scope (root-cause alerts of watch all).
  `
  ALTER TABLE connections ADD COLUMN integration_name TEXT;
  ALTER TABLE connections ADD COLUMN workspace_name TEXT;
  ALTER TABLE connections ADD COLUMN webhook_token_ciphertext TEXT;
  ALTER TABLE connections ADD COLUMN webhook_pending_ciphertext TEXT;
  ALTER TABLE connections ADD COLUMN webhook_pending_at INTEGER;
  CREATE TABLE channel_connections (
    channel_id  TEXT PRIMARY KEY,
    connection  TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      INTEGER NOT NULL
  );
  CREATE TABLE watch_all (
    channel_id  TEXT NOT NULL,
    connection  TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (channel_id, connection)
  );
  CREATE INDEX watch_all_connection ON watch_all (connection);
  CREATE TABLE alerts_v8 (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    posted_channel  TEXT,
    ts              TEXT,
    connection      TEXT NOT NULL,
    scope           TEXT NOT NULL CHECK (scope IN ('connection', 'resources', 'inventory')),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at       INTEGER NOT NULL,
    failing_since   INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    snoozed_by      TEXT,
    snoozed_until   INTEGER,
    last_reminder_at INTEGER,
    resolved_at     INTEGER,
    details_json    TEXT NOT NULL
  );
  INSERT INTO alerts_v8 (id, channel_id, posted_channel, ts, connection, scope, kind, status,
    opened_at, failing_since, acknowledged_by, acknowledged_at, snoozed_by, snoozed_until,
    last_reminder_at, resolved_at, details_json)
  SELECT id, channel_id, posted_channel, ts, connection, scope, kind, status, opened_at,
    failing_since, acknowledged_by, acknowledged_at, snoozed_by, snoozed_until, last_reminder_at,
    resolved_at, details_json FROM alerts;
  DROP TABLE alerts;
  ALTER TABLE alerts_v8 RENAME TO alerts;
  CREATE INDEX alerts_open ON alerts (connection, status);
  `,
  // The App Home's 14-day strips: each target's check results per UTC day (days since
  // 1970-01-01), and the confirmation rule's run of lost-access answers (domain/home.ts), so a
  // strip reads 14 rows instead of every check. Targets are Notion ids without dashes, lower
  // case. Filled from the existing history's last 30 days.
  (db) => {
    db.exec(`
      CREATE TABLE check_days (
        connection TEXT NOT NULL,
        target     TEXT NOT NULL,
        day        INTEGER NOT NULL,
        ok         INTEGER NOT NULL,
        lost       INTEGER NOT NULL,
        unsure     INTEGER NOT NULL,
        streak     INTEGER NOT NULL,
        longest    INTEGER NOT NULL,
        PRIMARY KEY (connection, target, day)
      );
    `);
    backfillCheckDays(db);
  },
  // Several replicas on one database. Leases: work one process at a time (a connection's
  // sweeps and re-checks), until released or no longer renewed. notion_budget: each token's
  // last request starts across every replica (one row per slot of its window), so together
  // they stay within Notion's pace.
  `
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE notion_budget (
    key        TEXT NOT NULL,
    slot       INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    PRIMARY KEY (key, slot)
  );
  `,
  // Many Slack workspaces in one database: every tenant row belongs to a team_id ('' for the
  // rows a single-workspace install wrote, and for its team from now on), and what was unique
  // per name is unique per team. SQLite cannot change a key in place: tables keyed by name are
  // rebuilt (every column, type and CHECK kept; rowids and watch ids kept, and the watches
  // sequence, so a removed watch's id never comes back); tables keyed by a generated id get the
  // column. Indexes lead with team_id. installations: each workspace's Bolt installation, sealed
  // by the app (global, like leases and notion_budget).
  `
  CREATE TABLE connections_v11 (
    team_id                    TEXT NOT NULL DEFAULT '',
    name                       TEXT NOT NULL,
    source                     TEXT NOT NULL CHECK (source IN ('env', 'slack')),
    token_ciphertext           TEXT,
    token_fingerprint          TEXT NOT NULL,
    token_hash                 TEXT NOT NULL,
    updated_by                 TEXT,
    updated_at                 INTEGER NOT NULL,
    env_token_hash             TEXT,
    compromised_at             INTEGER,
    integration_name           TEXT,
    workspace_name             TEXT,
    webhook_token_ciphertext   TEXT,
    webhook_pending_ciphertext TEXT,
    webhook_pending_at         INTEGER,
    PRIMARY KEY (team_id, name)
  );
  INSERT INTO connections_v11 (rowid, name, source, token_ciphertext, token_fingerprint,
    token_hash, updated_by, updated_at, env_token_hash, compromised_at, integration_name,
    workspace_name, webhook_token_ciphertext, webhook_pending_ciphertext, webhook_pending_at)
  SELECT rowid, name, source, token_ciphertext, token_fingerprint, token_hash, updated_by,
    updated_at, env_token_hash, compromised_at, integration_name, workspace_name,
    webhook_token_ciphertext, webhook_pending_ciphertext, webhook_pending_at FROM connections;
  DROP TABLE connections;
  ALTER TABLE connections_v11 RENAME TO connections;

  ALTER TABLE check_history ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
  DROP INDEX check_history_target;
  CREATE INDEX check_history_target ON check_history (team_id, connection, target, checked_at);

  ALTER TABLE walkthroughs ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
  DROP INDEX walkthroughs_report;
  CREATE INDEX walkthroughs_report ON walkthroughs (team_id, channel_id, report_ts);

  CREATE TABLE processed_actions_v11 (
    team_id      TEXT NOT NULL DEFAULT '',
    key          TEXT NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, key)
  );
  INSERT INTO processed_actions_v11 (rowid, key, processed_at)
  SELECT rowid, key, processed_at FROM processed_actions;
  DROP TABLE processed_actions;
  ALTER TABLE processed_actions_v11 RENAME TO processed_actions;

  ALTER TABLE alerts ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
  DROP INDEX alerts_open;
  CREATE INDEX alerts_open ON alerts (team_id, connection, status);

  CREATE TABLE watches_v11 (
    -- AUTOINCREMENT: an alert lists watch ids, so a removed watch's id must never come back.
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id         TEXT NOT NULL DEFAULT '',
    channel_id      TEXT NOT NULL,
    connection      TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    title           TEXT,
    url             TEXT,
    added_by        TEXT NOT NULL,
    added_at        INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    state_since     INTEGER NOT NULL,
    kind            TEXT,
    request_id      TEXT,
    last_checked_at INTEGER,
    last_kind       TEXT,
    UNIQUE (team_id, channel_id, resource_id)
  );
  INSERT INTO watches_v11 (id, channel_id, connection, resource_id, resource_type, title, url,
    added_by, added_at, state, state_since, kind, request_id, last_checked_at, last_kind)
  SELECT id, channel_id, connection, resource_id, resource_type, title, url, added_by, added_at,
    state, state_since, kind, request_id, last_checked_at, last_kind FROM watches;
  -- The sequence goes on from the old table's (not from its highest remaining id).
  DELETE FROM sqlite_sequence WHERE name = 'watches_v11';
  INSERT INTO sqlite_sequence (name, seq)
  SELECT 'watches_v11', seq FROM sqlite_sequence WHERE name = 'watches';
  DROP TABLE watches;
  ALTER TABLE watches_v11 RENAME TO watches;
  CREATE INDEX watches_connection ON watches (team_id, connection);

  CREATE TABLE connection_health_v11 (
    team_id           TEXT NOT NULL DEFAULT '',
    connection        TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    since             INTEGER NOT NULL,
    kind              TEXT,
    request_id        TEXT,
    unreachable_since INTEGER,
    notice_posted     INTEGER NOT NULL DEFAULT 0,
    last_sweep_at     INTEGER,
    PRIMARY KEY (team_id, connection)
  );
  INSERT INTO connection_health_v11 (rowid, connection, state, since, kind, request_id,
    unreachable_since, notice_posted, last_sweep_at)
  SELECT rowid, connection, state, since, kind, request_id, unreachable_since, notice_posted,
    last_sweep_at FROM connection_health;
  DROP TABLE connection_health;
  ALTER TABLE connection_health_v11 RENAME TO connection_health;

  -- rowid kept: a message's tokens are listed in the order they were seen.
  CREATE TABLE leaks_v11 (
    id            TEXT PRIMARY KEY,
    team_id       TEXT NOT NULL DEFAULT '',
    channel_id    TEXT NOT NULL,
    message_ts    TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    connection    TEXT,
    reported_by   TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (team_id, channel_id, message_ts, token_hash)
  );
  INSERT INTO leaks_v11 (rowid, id, channel_id, message_ts, token_hash, fingerprint, connection,
    reported_by, created_at)
  SELECT rowid, id, channel_id, message_ts, token_hash, fingerprint, connection, reported_by,
    created_at FROM leaks;
  DROP TABLE leaks;
  ALTER TABLE leaks_v11 RENAME TO leaks;

  CREATE TABLE leak_warnings_v11 (
    team_id     TEXT NOT NULL DEFAULT '',
    channel_id  TEXT NOT NULL,
    message_ts  TEXT NOT NULL,
    warning_ts  TEXT NOT NULL,
    posted_at   INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id, message_ts)
  );
  INSERT INTO leak_warnings_v11 (rowid, channel_id, message_ts, warning_ts, posted_at)
  SELECT rowid, channel_id, message_ts, warning_ts, posted_at FROM leak_warnings;
  DROP TABLE leak_warnings;
  ALTER TABLE leak_warnings_v11 RENAME TO leak_warnings;
  CREATE INDEX leak_warnings_recent ON leak_warnings (team_id, channel_id, posted_at);

  CREATE TABLE inventory_v11 (
    team_id        TEXT NOT NULL DEFAULT '',
    connection     TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('page', 'database', 'data_source')),
    title          TEXT NOT NULL,
    url            TEXT,
    parent_id      TEXT,
    in_trash       INTEGER NOT NULL CHECK (in_trash IN (0, 1)),
    state          TEXT NOT NULL CHECK (state IN ('ok', 'suspect', 'failing')),
    state_since    INTEGER NOT NULL,
    kind           TEXT,
    request_id     TEXT,
    last_listed_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, connection, item_id)
  );
  INSERT INTO inventory_v11 (rowid, connection, item_id, type, title, url, parent_id, in_trash,
    state, state_since, kind, request_id, last_listed_at)
  SELECT rowid, connection, item_id, type, title, url, parent_id, in_trash, state, state_since,
    kind, request_id, last_listed_at FROM inventory;
  DROP TABLE inventory;
  ALTER TABLE inventory_v11 RENAME TO inventory;
  CREATE INDEX inventory_parent ON inventory (team_id, connection, parent_id);

  CREATE TABLE channel_connections_v11 (
    team_id     TEXT NOT NULL DEFAULT '',
    channel_id  TEXT NOT NULL,
    connection  TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id)
  );
  INSERT INTO channel_connections_v11 (rowid, channel_id, connection, set_by, set_at)
  SELECT rowid, channel_id, connection, set_by, set_at FROM channel_connections;
  DROP TABLE channel_connections;
  ALTER TABLE channel_connections_v11 RENAME TO channel_connections;

  CREATE TABLE watch_all_v11 (
    team_id     TEXT NOT NULL DEFAULT '',
    channel_id  TEXT NOT NULL,
    connection  TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id, connection)
  );
  INSERT INTO watch_all_v11 (rowid, channel_id, connection, added_by, added_at)
  SELECT rowid, channel_id, connection, added_by, added_at FROM watch_all;
  DROP TABLE watch_all;
  ALTER TABLE watch_all_v11 RENAME TO watch_all;
  CREATE INDEX watch_all_connection ON watch_all (team_id, connection);

  CREATE TABLE check_days_v11 (
    team_id    TEXT NOT NULL DEFAULT '',
    connection TEXT NOT NULL,
    target     TEXT NOT NULL,
    day        INTEGER NOT NULL,
    ok         INTEGER NOT NULL,
    lost       INTEGER NOT NULL,
    unsure     INTEGER NOT NULL,
    streak     INTEGER NOT NULL,
    longest    INTEGER NOT NULL,
    PRIMARY KEY (team_id, connection, target, day)
  );
  INSERT INTO check_days_v11 (rowid, connection, target, day, ok, lost, unsure, streak, longest)
  SELECT rowid, connection, target, day, ok, lost, unsure, streak, longest FROM check_days;
  DROP TABLE check_days;
  ALTER TABLE check_days_v11 RENAME TO check_days;

  CREATE TABLE installations (
    team_id                 TEXT PRIMARY KEY,
    enterprise_id           TEXT,
    installation_ciphertext TEXT NOT NULL,
    installed_at            INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
  );
  `,
];
