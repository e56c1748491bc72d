import type { Sql } from './sql';

/**
 * Named leases: one holder at a time, until it releases the lease or lets it expire (a replica
 * that died). Each call is one statement, so two replicas claiming at once cannot both win.
 */
export class LeaseRepo {
  constructor(private readonly sql: Sql) {}

  /** Takes `name` for `ms` if it is free, expired, or already ours (then extends it). */
  async claim(name: string, holder: string, now: number, ms: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @until)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.expires_at <= @now OR leases.holder = excluded.holder`,
        { name, holder, now, until: now + ms },
      )) === 1
    );
  }

  /** Extends our lease; false when it is no longer ours (it expired and someone took it). */
  async renew(name: string, holder: string, now: number, ms: number): Promise<boolean> {
    return (
      (await this.sql.run('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?', [
        now + ms,
        name,
        holder,
      ])) === 1
    );
  }

  /** Gives the lease back (only ours). */
  async release(name: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }

  /** Who holds `name` now, if anyone. */
  async holder(name: string, now: number): Promise<string | undefined> {
    const row = await this.sql.get<{ holder: string }>(
      'SELECT holder FROM leases WHERE name = ? AND expires_at > ?',
      [name, now],
    );
    return row?.holder;
  }
}
