import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import { HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';

/**
 * The largest body /slack/events reads. Slack's payloads stay far below it: a message event
 * carries at most 40,000 characters of text (Slack truncates longer ones) plus its rich_text
 * copy, a few tens of KiB of JSON; interactivity echoes one of our own messages, which
 * slack/blocks keeps within Block Kit's limits (a few KiB in practice). 256 KiB leaves room for
 * escaping and URL-encoding several times over, and bounds what one request can make us hold.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** What the front door allows before Bolt sees a request. */
export interface FrontDoorLimits {
  /** A bigger body on /slack/events → 413, without reading past the limit. */
  maxBodyBytes: number;
  /** From the headers to the body's last byte on /slack/events → 408. */
  bodyTimeoutMs: number;
  /** Node's `headersTimeout`: the whole header block of any request. */
  headersTimeoutMs: number;
  /** Node's `requestTimeout`: any whole request (other routes included). */
  requestTimeoutMs: number;
  /** How far X-Slack-Request-Timestamp may be from now, either way (Slack says 5 minutes). */
  maxClockSkewSeconds: number;
  /**
   * Body bytes held at once across every unfinished /slack/events read; a chunk that would go
   * past it → 503. Well-formed but forged headers pass the header check, so without this
   * bound many slow connections could each hold up to `maxBodyBytes`.
   */
  maxBufferedBytes: number;
}

export const FRONT_DOOR: FrontDoorLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  // Slack sends a request in one go, in milliseconds; 10 s is generous for any real client.
  bodyTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxClockSkewSeconds: 5 * 60,
  // 32 bodies at the cap, or thousands of Slack's usual few KiB: one workspace never gets near.
  maxBufferedBytes: 8 * 1024 * 1024,
};

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/**
 * Whether the headers could belong to a request Slack signed: a `v0=` signature of the right
 * shape and a timestamp within the allowed skew, in the past or the future. Bolt still checks
 * the signature itself against the body, afterwards.
 */
export function plausiblySigned(
  headers: IncomingMessage['headers'],
  nowMs: number,
  maxSkewSeconds: number,
): boolean {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return false;
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= maxSkewSeconds;
}

export type BodyRead = Buffer | 'too_large' | 'timeout' | 'busy' | 'aborted';

/** Body bytes currently held by unfinished reads, against `max`. */
export interface Budget {
  used: number;
  max: number;
}

/**
 * Reads the body up to `limit` bytes and `timeoutMs`, holding at most what `budget` has left;
 * stops reading the moment any of them is hit. Also used by the Notion webhook route.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number,
  budget: Budget,
): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      budget.used -= size;
      size = 0;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) return finish('too_large');
      if (budget.used + chunk.length > budget.max) return finish('busy');
      size += chunk.length;
      budget.used += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onClose = () => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    // An error is followed by 'close'; this listener only keeps it from being thrown.
    req.on('error', () => undefined);
  });
}

function isObjectJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A body Bolt can route: JSON must be an object; a form's `payload`, if any, too. */
function routable(raw: Buffer, contentType: string | undefined): boolean {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) return isObjectJson(text);
  const payload = new URLSearchParams(text).get('payload');
  return payload === null || isObjectJson(payload);
}

function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/**
 * Answers `status` with `Connection: close`, then destroys the socket: whatever is left of the
 * body is never read (Node would otherwise read it to the end to reuse the connection).
 */
export function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: number): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.writeHead(status, { connection: 'close', 'content-length': 0 });
  res.end(() => req.socket.destroy());
}

/** Node's own limits for every request, so slow clients cannot pile up connections. */
function serverTimeouts(limits: FrontDoorLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node enforces both on this period (default 30 s), so it must be well below them.
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)),
  };
}

/**
 * Bolt's HTTPReceiver behind a front door on POST /slack/events:
 * - before the body is read: a missing or malformed X-Slack-Signature or
 *   X-Slack-Request-Timestamp, or a timestamp more than 5 minutes from now (either way) → 401,
 *   `Connection: close`, socket destroyed;
 * - a body over `maxBodyBytes` → 413, one slower than `bodyTimeoutMs` → 408, one that would
 *   take the bodies being read past `maxBufferedBytes` → 503, all closed the same way; a body
 *   whose JSON is not an object → 400 (Bolt itself throws outside any handler on a signed
 *   `null` body, leaving the request unanswered);
 * - the server gets `headersTimeout` / `requestTimeout` for every route.
 * The signature itself stays Bolt's to verify, on the same bytes.
 */
export function createHttpReceiver(
  options: HTTPReceiverOptions,
  limits: FrontDoorLimits = FRONT_DOOR,
): HTTPReceiver {
  const receiver = new HTTPReceiver({ ...options, bodyLimit: limits.maxBodyBytes });
  const bolt = receiver.requestListener;
  const endpoints = new Set(['/slack/events']);
  const budget: Budget = { used: 0, max: limits.maxBufferedBytes };
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || !endpoints.has(path)) {
      bolt(req, res);
      return;
    }
    if (!plausiblySigned(req.headers, Date.now(), limits.maxClockSkewSeconds)) {
      refuseAndClose(req, res, 401);
      return;
    }
    void readBody(req, limits.maxBodyBytes, limits.bodyTimeoutMs, budget).then((raw) => {
      if (raw === 'aborted') return req.socket.destroy();
      if (raw === 'too_large') return refuseAndClose(req, res, 413);
      if (raw === 'timeout') return refuseAndClose(req, res, 408);
      if (raw === 'busy') return refuseAndClose(req, res, 503);
      if (!routable(raw, req.headers['content-type'])) return refuse(res, 400);
      // Bolt uses an already-read body as is (isBufferedIncomingMessage).
      Object.assign(req, { rawBody: raw });
      bolt(req, res);
    });
  };
  const start = receiver.start.bind(receiver) as (
    port: number | string | ListenOptions,
    serverOptions?: ServerOptions,
  ) => Promise<Server>;
  receiver.start = ((port: number | string | ListenOptions, serverOptions: ServerOptions = {}) =>
    start(port, { ...serverTimeouts(limits), ...serverOptions })) as HTTPReceiver['start'];
  return receiver;
}
