/**
 * In-process fakes for driving services (src/services/) and the monitor's sweep in unit tests:
 * ports that record every Notice instead of talking to Slack, a CheckService whose runs each
 * test scripts, and a clock that only moves when told.
 */
import type { Alert } from '../../src/domain/alert';
import type { CheckRun } from '../../src/domain/check';
import type { Notice, NoticeType } from '../../src/domain/notice';
import type { Outcome, Refusal } from '../../src/domain/outcome';
import type { Watch } from '../../src/domain/watch';
import type { CheckRequest, CheckService } from '../../src/services/checks';
import type { Messenger, Notifier } from '../../src/services/ports';
import { T0 } from './fixtures';

export interface MessengerCall {
  op: 'post' | 'update' | 'ephemeral';
  channel: string;
  notice: Notice;
  /** post / ephemeral: the thread it went to. */
  threadTs?: string;
  /** post: the ts returned; update: the message updated. */
  ts?: string;
  /** ephemeral: who saw it. */
  user?: string;
}

/** A Messenger that records every call; posts get ts `1700000000.000101`, `.000102`, … */
export class RecordingMessenger implements Messenger {
  readonly calls: MessengerCall[] = [];
  private posted = 0;

  async post(channel: string, notice: Notice, threadTs?: string): Promise<string> {
    this.posted += 1;
    const ts = `1700000000.${String(100 + this.posted).padStart(6, '0')}`;
    this.calls.push({ op: 'post', channel, notice, threadTs, ts });
    return ts;
  }

  async update(channel: string, ts: string, notice: Notice): Promise<string> {
    this.calls.push({ op: 'update', channel, notice, ts });
    return ts;
  }

  async ephemeral(channel: string, user: string, notice: Notice, threadTs?: string): Promise<void> {
    this.calls.push({ op: 'ephemeral', channel, notice, threadTs, user });
  }

  /** `post:walkthrough`, `update:report`, …: what happened, in order, at a glance. */
  summary(): string[] {
    return this.calls.map((call) => `${call.op}:${call.notice.type}`);
  }

  /** The notices of one type, in order. */
  notices<T extends NoticeType>(type: T): Extract<Notice, { type: T }>[] {
    return this.calls
      .map((call) => call.notice)
      .filter((notice): notice is Extract<Notice, { type: T }> => notice.type === type);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

export type NotifierCall =
  | { op: 'postAlert'; alert: Alert; watches: Watch[]; notice: Notice }
  | { op: 'updateAlert'; alert: Alert; watches: Watch[]; notice: Notice }
  | { op: 'replyToAlert'; alert: Alert; notice: Notice }
  | { op: 'postNotice'; channels: string[]; notice: Notice };

/**
 * A Notifier that records every call. postAlert answers with the alert's own channel and ts
 * `1700000001.000101`, `.000102`, …; set `unavailable` to make it answer undefined (Slack down).
 */
export class RecordingNotifier implements Notifier {
  readonly calls: NotifierCall[] = [];
  unavailable = false;
  private posted = 0;

  async postAlert(
    alert: Alert,
    watches: Watch[],
  ): Promise<{ channel: string; ts: string } | undefined> {
    this.calls.push({ op: 'postAlert', alert, watches, notice: { type: 'alert', alert, watches } });
    if (this.unavailable) return undefined;
    this.posted += 1;
    return {
      channel: alert.channelId,
      ts: `1700000001.${String(100 + this.posted).padStart(6, '0')}`,
    };
  }

  async updateAlert(alert: Alert, watches: Watch[]): Promise<void> {
    this.calls.push({
      op: 'updateAlert',
      alert,
      watches,
      notice: { type: 'alert', alert, watches },
    });
  }

  async replyToAlert(alert: Alert, notice: Notice): Promise<void> {
    this.calls.push({ op: 'replyToAlert', alert, notice });
  }

  async postNotice(channels: string[], notice: Notice): Promise<void> {
    this.calls.push({ op: 'postNotice', channels, notice });
  }

  /** `postAlert`, `replyToAlert:alert_recovered`, …: what happened, in order. */
  summary(): string[] {
    return this.calls.map((call) =>
      call.notice.type === 'alert' ? call.op : `${call.op}:${call.notice.type}`,
    );
  }

  ofOp<O extends NotifierCall['op']>(op: O): Extract<NotifierCall, { op: O }>[] {
    return this.calls.filter((call): call is Extract<NotifierCall, { op: O }> => call.op === op);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

type Scripted = CheckRun | ((request: CheckRequest) => CheckRun | Promise<CheckRun>);

/**
 * Stands in for CheckService: each `run` answers the next scripted value (a CheckRun, or a
 * function of the request), and records the request. An unscripted call fails the test.
 */
export class ScriptedChecks implements Pick<CheckService, 'run' | 'check' | 'admit'> {
  readonly requests: CheckRequest[] = [];
  private readonly script: Scripted[] = [];

  /** Queues answers for the next calls, in order. */
  answer(...runs: Scripted[]): this {
    this.script.push(...runs);
    return this;
  }

  /** Queues an answer that waits until `release(run)` is called (a check under way). */
  hold(): { release: (run: CheckRun) => void } {
    let release: (run: CheckRun) => void = () => undefined;
    const pending = new Promise<CheckRun>((resolve) => {
      release = resolve;
    });
    this.script.push(() => pending);
    return { release: (run) => release(run) };
  }

  async run(request: CheckRequest): Promise<CheckRun> {
    this.requests.push(request);
    const next = this.script.shift();
    if (!next) throw new Error(`no CheckRun scripted for ${JSON.stringify(request)}`);
    return typeof next === 'function' ? next(request) : next;
  }

  /** People's checks: admitted unless `refuseNext` was set (the fair-use cap is CheckService's). */
  refuseNext: Refusal | undefined;

  admit(request: CheckRequest): Outcome<{ start: () => Promise<CheckRun> }> {
    const refusal = this.refuseNext;
    this.refuseNext = undefined;
    if (refusal) return { ok: false, ...refusal };
    return { ok: true, start: () => this.run(request) };
  }

  async check(request: CheckRequest): Promise<Outcome<{ run: CheckRun }>> {
    const admitted = this.admit(request);
    return admitted.ok ? { ok: true, run: await admitted.start() } : admitted;
  }

  /** What a constructor that wants a CheckService gets. */
  get service(): CheckService {
    return this as unknown as CheckService;
  }
}

/** A clock that starts at T0 and moves only when told. */
export class FakeClock {
  time: number;

  constructor(start = T0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  advance(ms: number): number {
    this.time += ms;
    return this.time;
  }
}
