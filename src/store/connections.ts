import type {
  Connection,
  ConnectionIdentity,
  Leak,
  LeakWarning,
  WebhookSecrets,
} from '../domain/connection';
import type { Sql } from './sql';
import { orNull, orUndefined } from './sql';

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

const COLUMNS = `name, source, token_ciphertext AS "tokenCiphertext",
  token_fingerprint AS "tokenFingerprint", token_hash AS "tokenHash", updated_by AS "updatedBy",
  updated_at AS "updatedAt", env_token_hash AS "envTokenHash", integration_name AS "integrationName",
  workspace_name AS "workspaceName"`;

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

/**
 * A team's connections: a token (sealed), its fingerprint and hash, and the compromised mark.
 * Names are unique per team.
 */
export class ConnectionRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  async get(name: string): Promise<Connection | undefined> {
    const row = await this.sql.get(
      `SELECT ${COLUMNS} FROM connections WHERE team_id = ? AND name = ?`,
      [this.team, name],
    );
    return row ? toConnection(row as ConnectionRow) : undefined;
  }

  async list(): Promise<Connection[]> {
    const rows = await this.sql.all(
      `SELECT ${COLUMNS} FROM connections WHERE team_id = ? ORDER BY name`,
      [this.team],
    );
    return (rows as ConnectionRow[]).map(toConnection);
  }

  async save(connection: Connection): Promise<void> {
    await this.sql.run(
      `INSERT INTO connections (team_id, name, source, token_ciphertext, token_fingerprint,
           token_hash, updated_by, updated_at, env_token_hash)
         VALUES (@team, @name, @source, @tokenCiphertext, @tokenFingerprint, @tokenHash,
           @updatedBy, @updatedAt, @envTokenHash)
         ON CONFLICT (team_id, name) DO UPDATE SET source = excluded.source,
           token_ciphertext = excluded.token_ciphertext, token_fingerprint = excluded.token_fingerprint,
           token_hash = excluded.token_hash, updated_by = excluded.updated_by,
           updated_at = excluded.updated_at, env_token_hash = excluded.env_token_hash`,
      {
        ...connection,
        team: this.team,
        tokenCiphertext: orNull(connection.tokenCiphertext),
        updatedBy: orNull(connection.updatedBy),
        envTokenHash: orNull(connection.envTokenHash),
      },
    );
  }

  /** The connection whose current token has this hash (a leaked token we hold). */
  async byTokenHash(hash: string): Promise<Connection | undefined> {
    const row = await this.sql.get(
      `SELECT ${COLUMNS} FROM connections WHERE team_id = ? AND token_hash = ?`,
      [this.team, hash],
    );
    return row ? toConnection(row as ConnectionRow) : undefined;
  }

  /** `at` undefined clears the mark (a new token was saved). */
  async markCompromised(name: string, at: number | undefined): Promise<void> {
    await this.sql.run('UPDATE connections SET compromised_at = ? WHERE team_id = ? AND name = ?', [
      orNull(at),
      this.team,
      name,
    ]);
  }

  /** What users.me said of the token (kept until the next good check says otherwise). */
  async saveIdentity(name: string, identity: ConnectionIdentity): Promise<void> {
    await this.sql.run(
      `UPDATE connections SET integration_name = COALESCE(@integrationName, integration_name),
           workspace_name = COALESCE(@workspaceName, workspace_name)
         WHERE team_id = @team AND name = @name`,
      {
        team: this.team,
        name,
        integrationName: orNull(identity.integrationName),
        workspaceName: orNull(identity.workspaceName),
      },
    );
  }

  /** Deletes the connection (its token and webhook secrets); false when there was none. */
  async remove(name: string): Promise<boolean> {
    return (
      (await this.sql.run('DELETE FROM connections WHERE team_id = ? AND name = ?', [
        this.team,
        name,
      ])) === 1
    );
  }

  async webhookSecrets(name: string): Promise<WebhookSecrets> {
    const row = (await this.sql.get(
      `SELECT webhook_token_ciphertext AS current, webhook_pending_ciphertext AS pending,
           webhook_pending_at AS "pendingAt" FROM connections WHERE team_id = ? AND name = ?`,
      [this.team, name],
    )) as { current: string | null; pending: string | null; pendingAt: number | null } | undefined;
    if (!row) return {};
    return {
      current: orUndefined(row.current),
      pending: orUndefined(row.pending),
      pendingAt: orUndefined(row.pendingAt),
    };
  }

  /** A verification request's token (sealed): pending until a delivery signed with it arrives. */
  async saveWebhookPending(name: string, ciphertext: string, at: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `UPDATE connections SET webhook_pending_ciphertext = ?, webhook_pending_at = ?
           WHERE team_id = ? AND name = ?`,
        [ciphertext, at, this.team, name],
      )) === 1
    );
  }

  /**
   * A delivery verified with the pending token: it becomes the current one. With `sealed`, only
   * if the pending token is still that one and there is no current one yet (a verification
   * request arriving meanwhile is not promoted in its place). False when nothing changed.
   */
  async promoteWebhookPending(name: string, sealed?: string): Promise<boolean> {
    const guard = sealed
      ? ' AND webhook_pending_ciphertext = @sealed AND webhook_token_ciphertext IS NULL'
      : '';
    return (
      (await this.sql.run(
        `UPDATE connections SET webhook_token_ciphertext = webhook_pending_ciphertext,
             webhook_pending_ciphertext = NULL, webhook_pending_at = NULL
           WHERE team_id = @team AND name = @name AND webhook_pending_ciphertext IS NOT NULL${guard}`,
        { team: this.team, name, sealed: orNull(sealed) },
      )) === 1
    );
  }

  /** The same secrets sealed again (an ENCRYPTION_KEY rotation); `pendingAt` is kept. */
  async resealWebhookSecrets(
    name: string,
    sealed: { current?: string; pending?: string },
  ): Promise<void> {
    await this.sql.run(
      `UPDATE connections SET webhook_token_ciphertext = COALESCE(?, webhook_token_ciphertext),
           webhook_pending_ciphertext = COALESCE(?, webhook_pending_ciphertext)
         WHERE team_id = ? AND name = ?`,
      [orNull(sealed.current), orNull(sealed.pending), this.team, name],
    );
  }

  async isCompromised(name: string): Promise<boolean> {
    const row = (await this.sql.get(
      'SELECT compromised_at AS at FROM connections WHERE team_id = ? AND name = ?',
      [this.team, name],
    )) as { at: number | null } | undefined;
    return row?.at != null;
  }
}

interface LeakRow extends Omit<Leak, 'connection' | 'reportedBy'> {
  connection: string | null;
  reportedBy: string | null;
}

const LEAK_COLUMNS = `id, channel_id AS "channelId", message_ts AS "messageTs", token_hash AS "tokenHash",
  fingerprint, connection, reported_by AS "reportedBy", created_at AS "createdAt"`;

function toLeak(row: LeakRow): Leak {
  return {
    ...row,
    connection: orUndefined(row.connection),
    reportedBy: orUndefined(row.reportedBy),
  };
}

const WARNING_COLUMNS = `channel_id AS "channelId", message_ts AS "messageTs", warning_ts AS ts,
  posted_at AS "postedAt"`;

/**
 * Pasted tokens, once per message and token: the hash and fingerprint, never the token. And the
 * one warning per message (its ts), so an edit updates it instead of posting another.
 */
export class LeakRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  /** False when this message was seen already (the same event delivered again). */
  async record(leak: Leak): Promise<boolean> {
    // No conflict target: the team's (channel, message, token) key, or the generated id.
    const result = await this.sql.run(
      `INSERT INTO leaks (team_id, id, channel_id, message_ts, token_hash, fingerprint,
           connection, reported_by, created_at)
         VALUES (@team, @id, @channelId, @messageTs, @tokenHash, @fingerprint, @connection,
           @reportedBy, @createdAt)
         ON CONFLICT DO NOTHING`,
      {
        ...leak,
        team: this.team,
        connection: orNull(leak.connection),
        reportedBy: orNull(leak.reportedBy),
      },
    );
    return result === 1;
  }

  async get(id: string): Promise<Leak | undefined> {
    const row = await this.sql.get(
      `SELECT ${LEAK_COLUMNS} FROM leaks WHERE team_id = ? AND id = ?`,
      [this.team, id],
    );
    return row ? toLeak(row as LeakRow) : undefined;
  }

  /** Every token ever seen in this message (across its edits), in the order they were seen. */
  async forMessage(channelId: string, messageTs: string): Promise<Leak[]> {
    // Tokens of one message share created_at: insertion order breaks the tie (SQLite's rowid,
    // PostgreSQL's identity column `seen`).
    const inserted = this.sql.dialect === 'sqlite' ? 'rowid' : 'seen';
    const rows = await this.sql.all(
      `SELECT ${LEAK_COLUMNS} FROM leaks WHERE team_id = ? AND channel_id = ? AND message_ts = ?
         ORDER BY created_at, ${inserted}`,
      [this.team, channelId, messageTs],
    );
    return (rows as LeakRow[]).map(toLeak);
  }

  /** The warning already posted under this message, if any. */
  async warningFor(channelId: string, messageTs: string): Promise<LeakWarning | undefined> {
    const row = await this.sql.get(
      `SELECT ${WARNING_COLUMNS} FROM leak_warnings
         WHERE team_id = ? AND channel_id = ? AND message_ts = ?`,
      [this.team, channelId, messageTs],
    );
    return row ? (row as LeakWarning) : undefined;
  }

  async saveWarning(warning: LeakWarning): Promise<void> {
    await this.sql.run(
      `INSERT INTO leak_warnings (team_id, channel_id, message_ts, warning_ts, posted_at)
         VALUES (@team, @channelId, @messageTs, @ts, @postedAt)
         ON CONFLICT (team_id, channel_id, message_ts) DO UPDATE
           SET warning_ts = excluded.warning_ts, posted_at = excluded.posted_at`,
      { ...warning, team: this.team },
    );
  }

  /** Warnings posted in a channel after `after`, oldest first (the rate limit's window). */
  async warningsPostedAfter(channelId: string, after: number): Promise<LeakWarning[]> {
    const rows = await this.sql.all(
      `SELECT ${WARNING_COLUMNS} FROM leak_warnings
         WHERE team_id = ? AND channel_id = ? AND posted_at > ? ORDER BY posted_at`,
      [this.team, channelId, after],
    );
    return rows as LeakWarning[];
  }
}
