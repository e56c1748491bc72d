import type {
  Connection,
  ConnectionIdentity,
  Leak,
  LeakWarning,
  WebhookSecrets,
} from '../domain/connection';
import { type Db, orNull, orUndefined } from './db';

interface ConnectionRow {
  name: string;
  source: 'env' | 'slack';
  tokenCiphertext: string | null;
  tokenFingerprint: string;
  tokenHash: string;
  updatedBy: string | null;
  updatedAt: number;
  envTokenHash: string | null;
  integrationName: string | null;
  workspaceName: string | null;
}

const COLUMNS = `name, source, token_ciphertext AS tokenCiphertext,
  token_fingerprint AS tokenFingerprint, token_hash AS tokenHash, updated_by AS updatedBy,
  updated_at AS updatedAt, env_token_hash AS envTokenHash, integration_name AS integrationName,
  workspace_name AS workspaceName`;

function toConnection(row: ConnectionRow): Connection {
  return {
    name: row.name,
    source: row.source,
    tokenCiphertext: orUndefined(row.tokenCiphertext),
    tokenFingerprint: row.tokenFingerprint,
    tokenHash: row.tokenHash,
    updatedBy: orUndefined(row.updatedBy),
    updatedAt: row.updatedAt,
    envTokenHash: orUndefined(row.envTokenHash),
    integrationName: orUndefined(row.integrationName),
    workspaceName: orUndefined(row.workspaceName),
  };
}

/** Connections: a token (sealed), its fingerprint and hash, and the compromised mark. */
export class ConnectionRepo {
  constructor(private readonly db: Db) {}

  get(name: string): Connection | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM connections WHERE name = ?`).get(name);
    return row ? toConnection(row as ConnectionRow) : undefined;
  }

  list(): Connection[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM connections ORDER BY name`).all();
    return (rows as ConnectionRow[]).map(toConnection);
  }

  save(connection: Connection): void {
    this.db
      .prepare(
        `INSERT INTO connections (name, source, token_ciphertext, token_fingerprint, token_hash,
           updated_by, updated_at, env_token_hash)
         VALUES (@name, @source, @tokenCiphertext, @tokenFingerprint, @tokenHash, @updatedBy,
           @updatedAt, @envTokenHash)
         ON CONFLICT (name) DO UPDATE SET source = excluded.source,
           token_ciphertext = excluded.token_ciphertext, token_fingerprint = excluded.token_fingerprint,
           token_hash = excluded.token_hash, updated_by = excluded.updated_by,
           updated_at = excluded.updated_at, env_token_hash = excluded.env_token_hash`,
      )
      .run({
        ...connection,
        tokenCiphertext: orNull(connection.tokenCiphertext),
        updatedBy: orNull(connection.updatedBy),
        envTokenHash: orNull(connection.envTokenHash),
      });
  }

  /** The connection whose current token has this hash (a leaked token we hold). */
  byTokenHash(hash: string): Connection | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM connections WHERE token_hash = ?`)
      .get(hash);
    return row ? toConnection(row as ConnectionRow) : undefined;
  }

  /** `at` undefined clears the mark (a new token was saved). */
  markCompromised(name: string, at: number | undefined): void {
    this.db
      .prepare('UPDATE connections SET compromised_at = ? WHERE name = ?')
      .run(orNull(at), name);
  }

  /** What users.me said of the token (kept until the next good check says otherwise). */
  saveIdentity(name: string, identity: ConnectionIdentity): void {
    this.db
      .prepare(
        `UPDATE connections SET integration_name = COALESCE(@integrationName, integration_name),
           workspace_name = COALESCE(@workspaceName, workspace_name)
         WHERE name = @name`,
      )
      .run({
        name,
        integrationName: orNull(identity.integrationName),
        workspaceName: orNull(identity.workspaceName),
      });
  }

  /** Deletes the connection (its token and webhook secrets); false when there was none. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM connections WHERE name = ?').run(name).changes === 1;
  }

  webhookSecrets(name: string): WebhookSecrets {
    const row = this.db
      .prepare(
        `SELECT webhook_token_ciphertext AS current, webhook_pending_ciphertext AS pending,
           webhook_pending_at AS pendingAt FROM connections WHERE name = ?`,
      )
      .get(name) as
      | { current: string | null; pending: string | null; pendingAt: number | null }
      | undefined;
    if (!row) return {};
    return {
      current: orUndefined(row.current),
      pending: orUndefined(row.pending),
      pendingAt: orUndefined(row.pendingAt),
    };
  }

  /** A verification request's token (sealed): pending until a delivery signed with it arrives. */
  saveWebhookPending(name: string, ciphertext: string, at: number): boolean {
    return (
      this.db
        .prepare(
          'UPDATE connections SET webhook_pending_ciphertext = ?, webhook_pending_at = ? WHERE name = ?',
        )
        .run(ciphertext, at, name).changes === 1
    );
  }

  /**
   * A delivery verified with the pending token: it becomes the current one. With `sealed`, only
   * if the pending token is still that one and there is no current one yet (a verification
   * request arriving meanwhile is not promoted in its place). False when nothing changed.
   */
  promoteWebhookPending(name: string, sealed?: string): boolean {
    const guard = sealed
      ? ' AND webhook_pending_ciphertext = @sealed AND webhook_token_ciphertext IS NULL'
      : '';
    return (
      this.db
        .prepare(
          `UPDATE connections SET webhook_token_ciphertext = webhook_pending_ciphertext,
             webhook_pending_ciphertext = NULL, webhook_pending_at = NULL
           WHERE name = @name AND webhook_pending_ciphertext IS NOT NULL${guard}`,
        )
        .run({ name, sealed: orNull(sealed) }).changes === 1
    );
  }

  /** The same secrets sealed again (an ENCRYPTION_KEY rotation); `pendingAt` is kept. */
  resealWebhookSecrets(name: string, sealed: { current?: string; pending?: string }): void {
    this.db
      .prepare(
        `UPDATE connections SET webhook_token_ciphertext = COALESCE(?, webhook_token_ciphertext),
           webhook_pending_ciphertext = COALESCE(?, webhook_pending_ciphertext)
         WHERE name = ?`,
      )
      .run(orNull(sealed.current), orNull(sealed.pending), name);
  }

  isCompromised(name: string): boolean {
    const row = this.db
      .prepare('SELECT compromised_at AS at FROM connections WHERE name = ?')
      .get(name) as { at: number | null } | undefined;
    return row?.at != null;
  }
}

interface LeakRow extends Omit<Leak, 'connection' | 'reportedBy'> {
  connection: string | null;
  reportedBy: string | null;
}

const LEAK_COLUMNS = `id, channel_id AS channelId, message_ts AS messageTs, token_hash AS tokenHash,
  fingerprint, connection, reported_by AS reportedBy, created_at AS createdAt`;

function toLeak(row: LeakRow): Leak {
  return {
    ...row,
    connection: orUndefined(row.connection),
    reportedBy: orUndefined(row.reportedBy),
  };
}

const WARNING_COLUMNS = `channel_id AS channelId, message_ts AS messageTs, warning_ts AS ts,
  posted_at AS postedAt`;

/**
 * Pasted tokens, once per message and token: the hash and fingerprint, never the token. And the
 * one warning per message (its ts), so an edit updates it instead of posting another.
 */
export class LeakRepo {
  constructor(private readonly db: Db) {}

  /** False when this message was seen already (the same event delivered again). */
  record(leak: Leak): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO leaks (id, channel_id, message_ts, token_hash, fingerprint, connection,
           reported_by, created_at)
         VALUES (@id, @channelId, @messageTs, @tokenHash, @fingerprint, @connection, @reportedBy,
           @createdAt)`,
      )
      .run({ ...leak, connection: orNull(leak.connection), reportedBy: orNull(leak.reportedBy) });
    return result.changes === 1;
  }

  get(id: string): Leak | undefined {
    const row = this.db.prepare(`SELECT ${LEAK_COLUMNS} FROM leaks WHERE id = ?`).get(id);
    return row ? toLeak(row as LeakRow) : undefined;
  }

  /** Every token ever seen in this message (across its edits), in the order they were seen. */
  forMessage(channelId: string, messageTs: string): Leak[] {
    const rows = this.db
      .prepare(
        `SELECT ${LEAK_COLUMNS} FROM leaks WHERE channel_id = ? AND message_ts = ?
         ORDER BY created_at, rowid`,
      )
      .all(channelId, messageTs);
    return (rows as LeakRow[]).map(toLeak);
  }

  /** The warning already posted under this message, if any. */
  warningFor(channelId: string, messageTs: string): LeakWarning | undefined {
    const row = this.db
      .prepare(
        `SELECT ${WARNING_COLUMNS} FROM leak_warnings WHERE channel_id = ? AND message_ts = ?`,
      )
      .get(channelId, messageTs);
    return row ? (row as LeakWarning) : undefined;
  }

  saveWarning(warning: LeakWarning): void {
    this.db
      .prepare(
        `INSERT INTO leak_warnings (channel_id, message_ts, warning_ts, posted_at)
         VALUES (@channelId, @messageTs, @ts, @postedAt)
         ON CONFLICT (channel_id, message_ts) DO UPDATE SET warning_ts = excluded.warning_ts,
           posted_at = excluded.posted_at`,
      )
      .run(warning);
  }

  /** Warnings posted in a channel after `after`, oldest first (the rate limit's window). */
  warningsPostedAfter(channelId: string, after: number): LeakWarning[] {
    const rows = this.db
      .prepare(
        `SELECT ${WARNING_COLUMNS} FROM leak_warnings WHERE channel_id = ? AND posted_at > ?
         ORDER BY posted_at`,
      )
      .all(channelId, after);
    return rows as LeakWarning[];
  }
}
