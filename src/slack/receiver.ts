import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';

/** Slack's payloads stay far below this; a bigger body is refused before it is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
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
 * Bolt's HTTPReceiver, with the body read first: over MAX_BODY_BYTES → 413, and a body whose
 * JSON is not an object → 400. (Bolt itself throws outside any handler on a signed `null`
 * body, leaving the request unanswered.) Signature checks stay Bolt's, on the same bytes.
 */
export function createHttpReceiver(options: HTTPReceiverOptions): HTTPReceiver {
  const receiver = new HTTPReceiver({ ...options, bodyLimit: MAX_BODY_BYTES });
  const bolt = receiver.requestListener;
  const endpoints = new Set(['/slack/events']);
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || !endpoints.has(path)) {
      bolt(req, res);
      return;
    }
    readBody(req, MAX_BODY_BYTES).then(
      (raw) => {
        if (raw === 'too_large') return refuse(res, 413);
        if (!routable(raw, req.headers['content-type'])) return refuse(res, 400);
        // Bolt uses an already-read body as is (isBufferedIncomingMessage).
        Object.assign(req, { rawBody: raw });
        bolt(req, res);
      },
      () => refuse(res, 400),
    );
  };
  return receiver;
}
