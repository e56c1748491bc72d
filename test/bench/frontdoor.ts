/**
 * Front-door benchmark (`npm run bench:frontdoor`): 200 concurrent connections to the real app
 * (127.0.0.1 only), each announcing a 1 MiB POST /slack/events and trickling it slowly, once
 * without Slack's signature headers and once with well-formed but forged ones. Prints RSS
 * before, at its peak and after, and how each connection ended. Exits 1 when the unsigned
 * flood grows RSS by 20 MB or more, or any of its connections is not refused at the headers.
 */
import net from 'node:net';
import { Harness } from '../support/harness';
import { rssMb, runBench, settledRssMb, verdict } from './support';

const CONNECTIONS = 200;
const BODY_BYTES = 1024 * 1024;
const CHUNK_BYTES = 16 * 1024;
/** 16 KiB every 50 ms: 320 KiB/s, 1 MiB in about 3.2 s if nobody stops it. */
const CHUNK_EVERY_MS = 50;
/** Every connection is given up by then, whatever happened. */
const PHASE_LIMIT_MS = 30_000;
const TARGET_RSS_GROWTH_MB = 20;

interface Ending {
  status: number | undefined;
  /** Body bytes written before the answer (or the end) arrived. */
  bodyBytesSent: number;
  openMs: number;
  /** Closed by the server (as opposed to our phase limit). */
  closedByServer: boolean;
}

const CHUNK = Buffer.alloc(CHUNK_BYTES, 'a');

const CHUNK_FRAME = Buffer.concat([
  Buffer.from(`${CHUNK_BYTES.toString(16)}\r\n`),
  CHUNK,
  Buffer.from('\r\n'),
]);

/**
 * One slow client: the head, then a chunk every CHUNK_EVERY_MS until 1 MiB is sent or the
 * server closes. `framing`: a Content-Length of 1 MiB, or chunked transfer encoding (no length
 * announced, so only reading tells the server how big the body is).
 */
function trickle(
  port: number,
  headers: Record<string, string>,
  framing: 'length' | 'chunked',
): Promise<Ending> {
  const head = [
    'POST /slack/events HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/x-www-form-urlencoded',
    framing === 'length' ? `Content-Length: ${BODY_BYTES}` : 'Transfer-Encoding: chunked',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let sent = 0;
    let answeredAt: number | undefined;
    let received = '';
    let closedByServer = true;
    const ticker = setInterval(() => {
      if (sent >= BODY_BYTES || socket.destroyed) return clearInterval(ticker);
      socket.write(framing === 'length' ? CHUNK : CHUNK_FRAME);
      sent += CHUNK_BYTES;
    }, CHUNK_EVERY_MS);
    const limit = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, PHASE_LIMIT_MS);
    socket.on('data', (chunk: Buffer) => {
      if (answeredAt === undefined) answeredAt = sent;
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(ticker);
      clearTimeout(limit);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({
        status: match ? Number(match[1]) : undefined,
        bodyBytesSent: answeredAt ?? sent,
        openMs: performance.now() - started,
        closedByServer,
      });
    });
    socket.write(`${head}\r\n\r\n`);
  });
}

async function flood(
  port: number,
  headers: () => Record<string, string>,
  framing: 'length' | 'chunked',
): Promise<{ endings: Ending[]; peakMb: number }> {
  let peakMb = rssMb();
  const sampler = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb());
  }, 50);
  const endings = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => trickle(port, headers(), framing)),
  );
  clearInterval(sampler);
  return { endings, peakMb: Math.max(peakMb, rssMb()) };
}

function describe(endings: Ending[]): string[] {
  const byStatus = new Map<string, number>();
  for (const e of endings) {
    const key = e.status === undefined ? 'no answer' : String(e.status);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  const sorted = endings.map((e) => e.openMs).sort((a, b) => a - b);
  const maxSent = Math.max(...endings.map((e) => e.bodyBytesSent));
  return [
    `  answers          ${[...byStatus].map(([status, n]) => `${n}× ${status}`).join(', ')}`,
    `  closed by server ${endings.filter((e) => e.closedByServer).length}/${endings.length}`,
    `  open for         median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
    `  body sent before the answer: at most ${(maxSent / 1024).toFixed(0)} KiB`,
  ];
}

async function main(): Promise<boolean> {
  const h = await new Harness().start();
  try {
    const port = Number(new URL(h.appUrl).port);
    console.log(
      `front door: ${CONNECTIONS} connections × ${BODY_BYTES / 1024} KiB announced, ${CHUNK_BYTES / 1024} KiB every ${CHUNK_EVERY_MS} ms`,
    );

    // Warm-up, untimed: the first refusals, sockets and settles grow V8's and libc's pools once.
    await Promise.all(Array.from({ length: 20 }, () => trickle(port, {}, 'length')));
    await settledRssMb();
    const before = await settledRssMb();
    const unsigned = await flood(port, () => ({}), 'length');
    const after = await settledRssMb();
    // Refused at the headers: a 401 that arrived while the client had sent at most a few chunks
    // of its 1 MiB (the loop is busy with 200 connections, so the first may already be out).
    const refusedAtHeaders = unsigned.endings.filter(
      (e) => e.status === 401 && e.bodyBytesSent <= 4 * CHUNK_BYTES,
    ).length;
    console.log('\nunsigned (no X-Slack-Signature / X-Slack-Request-Timestamp)');
    for (const line of describe(unsigned.endings)) console.log(line);
    console.log(`  refused at the headers ${refusedAtHeaders}/${CONNECTIONS}`);
    console.log(
      `  RSS              ${before.toFixed(1)} MB before, ${unsigned.peakMb.toFixed(1)} MB peak, ${after.toFixed(1)} MB after (${(after - before).toFixed(1)} MB growth, peak +${(unsigned.peakMb - before).toFixed(1)} MB)`,
    );

    // Informational: headers that pass the shape check (a fresh timestamp, a v0= signature of
    // the right length) but a forged signature, and a chunked body: these are read, up to the
    // body cap (or the body deadline), before Bolt can check the signature.
    const forgedBefore = await settledRssMb();
    const forged = await flood(
      port,
      () => ({
        'X-Slack-Request-Timestamp': String(Math.floor(Date.now() / 1000)),
        'X-Slack-Signature': `v0=${'0'.repeat(64)}`,
      }),
      'chunked',
    );
    const forgedAfter = await settledRssMb();
    console.log('\nforged (well-formed signature headers, wrong signature, chunked body)');
    for (const line of describe(forged.endings)) console.log(line);
    console.log(
      `  RSS              ${forgedBefore.toFixed(1)} MB before, ${forged.peakMb.toFixed(1)} MB peak, ${forgedAfter.toFixed(1)} MB after (${(forgedAfter - forgedBefore).toFixed(1)} MB growth, peak +${(forged.peakMb - forgedBefore).toFixed(1)} MB)`,
    );

    const health = await fetch(`${h.appUrl}/healthz`);
    const targets: [string, boolean][] = [
      [
        `unsigned flood RSS growth ${(after - before).toFixed(1)} MB < ${TARGET_RSS_GROWTH_MB} MB`,
        after - before < TARGET_RSS_GROWTH_MB,
      ],
      [
        `unsigned connections refused at the headers: ${refusedAtHeaders}/${CONNECTIONS}`,
        refusedAtHeaders === CONNECTIONS,
      ],
      [`still healthy afterwards (${health.status})`, health.status === 200],
    ];
    console.log('');
    return verdict(targets);
  } finally {
    await h.stop();
  }
}

runBench(main);
