import type { Walkthrough, WalkthroughRecord } from '../domain/walkthrough';
import { type Db, orNull, orUndefined } from './db';
import { STATE_VERSION } from './migrations';

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

/** Walkthroughs: where each lives in Slack, its state machine's state, its parent report. */
export class WalkthroughRepo {
  constructor(private readonly db: Db) {}

  create(record: WalkthroughRecord, now: number): void {
    this.db
      .prepare(
        `INSERT INTO walkthroughs (id, channel_id, report_ts, message_ts, status, state_json,
           report_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.channelId,
        record.reportTs,
        orNull(record.messageTs),
        record.state.status,
        writeState(record.state),
        JSON.stringify(record.report),
        now,
        now,
      );
  }

  get(id: string): WalkthroughRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT id, channel_id AS channelId, report_ts AS reportTs, message_ts AS messageTs,
           state_json AS stateJson, report_json AS reportJson
         FROM walkthroughs WHERE id = ?`,
      )
      .get(id) as WalkthroughRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The walkthrough in the thread of this message (a report, an alert, a leak warning). */
  byParent(channelId: string, reportTs: string): WalkthroughRecord | undefined {
    const row = this.db
      .prepare('SELECT id FROM walkthroughs WHERE channel_id = ? AND report_ts = ? LIMIT 1')
      .get(channelId, reportTs) as { id: string } | undefined;
    return row ? this.get(row.id) : undefined;
  }

  /** The state alone, for a read-modify-write inside the caller's transaction. */
  state(id: string): Walkthrough | undefined {
    const row = this.db
      .prepare('SELECT state_json AS stateJson FROM walkthroughs WHERE id = ?')
      .get(id) as { stateJson: string } | undefined;
    return row ? readState(row.stateJson) : undefined;
  }

  /** Its message or its report was posted again (the old one was deleted): the new ts. */
  moved(id: string, to: { messageTs: string } | { reportTs: string }): void {
    if ('messageTs' in to) {
      this.db.prepare('UPDATE walkthroughs SET message_ts = ? WHERE id = ?').run(to.messageTs, id);
    } else {
      this.db.prepare('UPDATE walkthroughs SET report_ts = ? WHERE id = ?').run(to.reportTs, id);
    }
  }

  saveState(state: Walkthrough, now: number): void {
    this.db
      .prepare('UPDATE walkthroughs SET state_json = ?, status = ?, updated_at = ? WHERE id = ?')
      .run(writeState(state), state.status, now, state.id);
  }
}
