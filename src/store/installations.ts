import type { Sql } from './sql';
import { orNull, orUndefined } from './sql';

/** One workspace's installation as stored: the app seals the whole Bolt Installation JSON. */
export interface InstallationRow {
  teamId: string;
  enterpriseId?: string;
  ciphertext: string;
  /** The first save (kept by later ones). */
  installedAt: number;
  /** The latest save. */
  updatedAt: number;
}

interface StoredRow {
  teamId: string;
  enterpriseId: string | null;
  ciphertext: string;
  installedAt: number;
  updatedAt: number;
}

const COLUMNS = `team_id AS "teamId", enterprise_id AS "enterpriseId",
  installation_ciphertext AS ciphertext, installed_at AS "installedAt", updated_at AS "updatedAt"`;

const toRow = (row: StoredRow): InstallationRow => ({
  teamId: row.teamId,
  enterpriseId: orUndefined(row.enterpriseId),
  ciphertext: row.ciphertext,
  installedAt: row.installedAt,
  updatedAt: row.updatedAt,
});

/**
 * The Slack workspaces the app is installed in (table installations): global, one row per
 * team, the installation sealed by the caller (ciphertext only here).
 */
export class InstallationRepo {
  constructor(private readonly sql: Sql) {}

  /** Saves the team's installation; a new install of a known team keeps its installed_at. */
  async save(
    row: { teamId: string; enterpriseId?: string; ciphertext: string },
    now: number,
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO installations (team_id, enterprise_id, installation_ciphertext, installed_at,
           updated_at)
         VALUES (@teamId, @enterpriseId, @ciphertext, @now, @now)
         ON CONFLICT (team_id) DO UPDATE SET enterprise_id = excluded.enterprise_id,
           installation_ciphertext = excluded.installation_ciphertext,
           updated_at = excluded.updated_at`,
      {
        teamId: row.teamId,
        enterpriseId: orNull(row.enterpriseId),
        ciphertext: row.ciphertext,
        now,
      },
    );
  }

  async get(teamId: string): Promise<InstallationRow | undefined> {
    const row = await this.sql.get<StoredRow>(
      `SELECT ${COLUMNS} FROM installations WHERE team_id = ?`,
      [teamId],
    );
    return row && toRow(row);
  }

  /** False when the team had no installation. */
  async delete(teamId: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM installations WHERE team_id = ?', [teamId])) === 1;
  }

  /** Every installation, by team (an ENCRYPTION_KEY rotation re-seals them). */
  async all(): Promise<InstallationRow[]> {
    const rows = await this.sql.all<StoredRow>(
      `SELECT ${COLUMNS} FROM installations ORDER BY team_id`,
    );
    return rows.map(toRow);
  }

  /** The installed teams' ids, in order. */
  async teams(): Promise<string[]> {
    const rows = await this.sql.all<{ teamId: string }>(
      'SELECT team_id AS "teamId" FROM installations ORDER BY team_id',
    );
    return rows.map((row) => row.teamId);
  }
}
