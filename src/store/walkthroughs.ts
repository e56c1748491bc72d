import type { Walkthrough, WalkthroughRecord } from '../domain/walkthrough';
import { STATE_VERSION } from './migrations';
import { orNull, orUndefined, type Sql } from './sql';

interface WalkthroughRow {
  id: string;
  channelId: string;
  reportTs: string;
  messageTs: string | null;
  stateJson: string;
  reportJson: string;
}

function toRecord(row: WalkthroughRow): WalkthroughRecord {
  return {
    id: row.id,
    channelId: row.channelId,
    reportTs: row.reportTs,
    messageTs: orUndefined(row.messageTs),
    state: readState(row.stateJson),
    report: JSON.parse(row.reportJson),
  };
}

function readState(json: string): Walkthrough {
  const { version: _version, ...state } = JSON.parse(json) as Walkthrough & { version?: number };
  return state;
}

const writeState = (state: Walkthrough) => JSON.stringify({ version: STATE_VERSION, ...state });

/**
 * A team's walkthroughs: where each lives in Slack, its state machine's state, its parent
 * report. Ids are unique across teams; each statement by id is still the team's only.
 */
export class WalkthroughRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  async create(record: WalkthroughRecord, now: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO walkthroughs (team_id, id, channel_id, report_ts, message_ts, status,
         state_json, report_json, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        this.team,
        record.id,
        record.channelId,
        record.reportTs,
        orNull(record.messageTs),
        record.state.status,
        writeState(record.state),
        JSON.stringify(record.report),
        now,
        now,
      ],
    );
  }

  async get(id: string): Promise<WalkthroughRecord | undefined> {
    const row = await this.sql.get<WalkthroughRow>(
      `SELECT id, channel_id AS "channelId", report_ts AS "reportTs", message_ts AS "messageTs",
         state_json AS "stateJson", report_json AS "reportJson"
       FROM walkthroughs WHERE team_id = ? AND id = ?`,
      [this.team, id],
    );
    return row ? toRecord(row) : undefined;
  }

  /** The walkthrough in the thread of this message (a report, an alert, a leak warning). */
  async byParent(channelId: string, reportTs: string): Promise<WalkthroughRecord | undefined> {
    const row = await this.sql.get<{ id: string }>(
      'SELECT id FROM walkthroughs WHERE team_id = ? AND channel_id = ? AND report_ts = ? LIMIT 1',
      [this.team, channelId, reportTs],
    );
    return row ? this.get(row.id) : undefined;
  }

  /** The state alone, for a read-modify-write inside the caller's transaction. */
  async state(id: string): Promise<Walkthrough | undefined> {
    const row = await this.sql.get<{ stateJson: string }>(
      'SELECT state_json AS "stateJson" FROM walkthroughs WHERE team_id = ? AND id = ?',
      [this.team, id],
    );
    return row ? readState(row.stateJson) : undefined;
  }

  /** Its message or its report was posted again (the old one was deleted): the new ts. */
  async moved(id: string, to: { messageTs: string } | { reportTs: string }): Promise<void> {
    if ('messageTs' in to) {
      await this.sql.run('UPDATE walkthroughs SET message_ts = ? WHERE team_id = ? AND id = ?', [
        to.messageTs,
        this.team,
        id,
      ]);
    } else {
      await this.sql.run('UPDATE walkthroughs SET report_ts = ? WHERE team_id = ? AND id = ?', [
        to.reportTs,
        this.team,
        id,
      ]);
    }
  }

  async saveState(state: Walkthrough, now: number): Promise<void> {
    await this.sql.run(
      `UPDATE walkthroughs SET state_json = ?, status = ?, updated_at = ?
         WHERE team_id = ? AND id = ?`,
      [writeState(state), state.status, now, this.team, state.id],
    );
  }
}
