/**
 * A fake Slack Socket Mode server: the WebSocket end of the URL `apps.connections.open` answers
 * (FakeSlack.acceptSocketMode), for the app's real SocketModeClient. Like Slack it says `hello`
 * to every new connection, sends envelopes (`slash_commands`, `interactive`, `events_api`), waits
 * for their acks (`{ envelope_id, payload }`) and can ask the client to reconnect (`disconnect`).
 *
 * `requestUrl` takes the HTTP requests Slack would send in HTTP mode (test/support/slackRequest.ts:
 * same payloads, signature ignored), delivers each as an envelope and answers with the ack's
 * payload, so the HTTP-mode helpers drive the app over the socket unchanged.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { SLACK_IDS } from './fakeSlack';
import { close, listen, Recorder, readBody } from './http';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  /** events_api only, as Slack sends them. */
  retry_attempt?: number;
  retry_reason?: string;
}

/** What the app sent back for an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SocketConnection {
  /** 1 for the first connection the app opened, 2 for the next, … */
  number: number;
  at: number;
  /** When it closed (either side); undefined while open. */
  closedAt?: number;
}

export interface SendOptions {
  /** events_api: Slack's retry_attempt / retry_reason of a re-delivery. */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack; default 5 s. */
  timeoutMs?: number;
}

/** Slack lets the app answer in the ack for these (modal errors, suggestions, slash replies). */
function acceptsResponsePayload(type: EnvelopeType, payload: Record<string, unknown>): boolean {
  if (type === 'slash_commands') return true;
  return (
    type === 'interactive' && ['view_submission', 'block_suggestion'].includes(`${payload.type}`)
  );
}

/** A few words about an envelope, for timeout messages. */
function describeEnvelope(envelope: SocketEnvelope): string {
  const { payload } = envelope;
  const event = payload.event as { type?: unknown } | undefined;
  const what =
    envelope.type === 'slash_commands'
      ? `${payload.command} ${payload.text}`
      : envelope.type === 'events_api'
        ? `${event?.type} event`
        : `${payload.type}`;
  return `${envelope.type} envelope ${envelope.envelope_id} (${what})`;
}

/** The envelope Slack would send over the socket for a request it would POST in HTTP mode. */
function envelopeFor(
  raw: string,
  contentType: string | undefined,
): { type: EnvelopeType; payload: Record<string, unknown> } {
  if (contentType?.includes('application/json')) {
    const payload = JSON.parse(raw) as Record<string, unknown>;
    if (payload.type !== 'event_callback')
      throw new Error(`not an event_callback: ${payload.type}`);
    return { type: 'events_api', payload };
  }
  const form = Object.fromEntries(new URLSearchParams(raw));
  if (form.payload !== undefined) {
    return { type: 'interactive', payload: JSON.parse(form.payload) as Record<string, unknown> };
  }
  if (form.command !== undefined) return { type: 'slash_commands', payload: form };
  throw new Error('neither a slash command nor an interactivity payload');
}

export class FakeSocketMode {
  /** The ws:// URL for apps.connections.open to answer. */
  url = '';
  /** Slack-style HTTP requests POSTed here are delivered over the socket (see above). */
  requestUrl = '';
  readonly connections: SocketConnection[];
  readonly acks: SocketAck[];
  /** Every envelope sent, in order. */
  readonly sent: SocketEnvelope[] = [];

  private readonly server = http.createServer((req, res) => {
    this.deliver(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  private readonly wss = new WebSocketServer({ server: this.server, path: '/link/' });
  /** Open connections, oldest first: envelopes go to the newest. */
  private readonly open: WebSocket[] = [];
  private readonly connectionLog = new Recorder<SocketConnection>();
  private readonly ackLog = new Recorder<SocketAck>();

  constructor(private readonly appId: string = SLACK_IDS.appId) {
    this.connections = this.connectionLog.items;
    this.acks = this.ackLog.items;
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  async start(): Promise<void> {
    const base = await listen(this.server);
    this.url = `${base.replace(/^http/, 'ws')}/link/?ticket=fake-ticket&app_id=${this.appId}`;
    this.requestUrl = `${base}/slack/events`;
  }

  async stop(): Promise<void> {
    // A close handshake first: a client whose own close (app.stop()) is cut short by a reset
    // keeps a 30 s timer of @slack/socket-mode alive. Terminated if it does not answer.
    await Promise.all(
      [...this.open].map(
        (socket) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => socket.terminate(), 1_000);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.close(1001, 'server stopping');
          }),
      ),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await close(this.server);
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.open.length;
  }

  /** Resolves once the app has opened its `number`-th connection (and was sent hello). */
  waitForConnection(number: number, timeoutMs = 15_000): Promise<SocketConnection> {
    return this.connectionLog.waitFor(
      (connection) => connection.number === number,
      timeoutMs,
      () => `the app opened ${this.connections.length} Socket Mode connection(s), not ${number}`,
    );
  }

  /**
   * Sends an envelope on the newest open connection; resolves with the app's ack of it.
   * Rejects when no connection is open or no ack comes within the timeout.
   */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: SendOptions = {},
  ): Promise<SocketAck> {
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload(type, payload),
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    const socket = this.open.at(-1);
    if (socket === undefined) {
      return Promise.reject(
        new Error(
          `no open Socket Mode connection for the ${describeEnvelope(envelope)}; ${this.connections.length} opened, all closed`,
        ),
      );
    }
    const timeoutMs = options.timeoutMs ?? 5_000;
    const acked = this.ackLog.waitFor(
      (ack) => ack.envelope_id === envelope.envelope_id,
      timeoutMs,
      () =>
        `the app did not ack the ${describeEnvelope(envelope)}; acks received for: ${
          this.acks.map((ack) => ack.envelope_id).join(', ') || 'nothing'
        }`,
    );
    this.sent.push(envelope);
    socket.send(JSON.stringify(envelope));
    return acked;
  }

  /**
   * Asks every open connection to go away, as Slack does before recycling a server
   * (`refresh_requested`, `warning`) or when Socket Mode is turned off (`link_disabled`).
   */
  disconnect(reason = 'refresh_requested'): void {
    const message = JSON.stringify({
      type: 'disconnect',
      reason,
      debug_info: { host: 'applink-fake-1' },
    });
    for (const socket of this.open) socket.send(message);
  }

  private accept(socket: WebSocket): void {
    const connection: SocketConnection = { number: this.connections.length + 1, at: Date.now() };
    this.open.push(socket);
    socket.on('message', (data: RawData) => this.receive(data));
    socket.on('close', () => {
      connection.closedAt = Date.now();
      const index = this.open.indexOf(socket);
      if (index >= 0) this.open.splice(index, 1);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.length,
        debug_info: {
          host: 'applink-fake-1',
          build_number: 1,
          approximate_connection_time: 18_060,
        },
        connection_info: { app_id: this.appId },
      }),
    );
    this.connectionLog.add(connection);
  }

  private receive(data: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    const ack = message as Partial<SocketAck> | null;
    if (typeof ack?.envelope_id !== 'string') return;
    this.ackLog.add({ envelope_id: ack.envelope_id, payload: ack.payload });
  }

  private async deliver(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const raw = await readBody(req);
    let delivery: ReturnType<typeof envelopeFor>;
    try {
      delivery = envelopeFor(raw, req.headers['content-type']);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    const retryNum = req.headers['x-slack-retry-num'];
    const retryReason = req.headers['x-slack-retry-reason'];
    let ack: SocketAck;
    try {
      ack = await this.send(delivery.type, delivery.payload, {
        retryAttempt: typeof retryNum === 'string' ? Number(retryNum) : undefined,
        retryReason: typeof retryReason === 'string' ? retryReason : undefined,
      });
    } catch (error) {
      res.writeHead(504, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    // Like Bolt's HTTP receiver: an empty ack is an empty 200, anything else JSON.
    const body =
      ack.payload !== undefined && Object.keys(ack.payload).length > 0
        ? JSON.stringify(ack.payload)
        : '';
    res.writeHead(200, body ? { 'content-type': 'application/json' } : {}).end(body);
  }
}
