import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.notionCheckPostgres;
  if (!started) return;
  await started.server.stop();
  fs.rmSync(started.dir, { recursive: true, force: true });
}
