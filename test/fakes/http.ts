import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on an ephemeral port of 127.0.0.1 and returns its base URL (no trailing slash). */
export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes `server`, keep-alive sockets included, so jest has no open handles left. */
export async function close(server: http.Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `Bearer xyz` → `xyz`; anything else → undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * An append-only log that tests can wait on: `waitFor` resolves with the first matching item,
 * whether it was recorded before the call or arrives later.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly listeners = new Set<(item: T) => void>();

  add(item: T): void {
    this.items.push(item);
    for (const listener of [...this.listeners]) listener(item);
  }

  /** Calls `listener` for every item added from now on; returns an unsubscribe function. */
  listen(listener: (item: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(predicate: (item: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> {
    const found = this.items.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`Timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      const unsubscribe = this.listen((item) => {
        if (!predicate(item)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(item);
      });
    });
  }

  clear(): void {
    this.items.length = 0;
  }
}
