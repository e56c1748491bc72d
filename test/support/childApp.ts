/**
 * The built app (`dist/src/index.js`, what `npm start` runs) as a real child process, for the
 * tests about signals and crashes. Rebuilds first when src/ is newer than the build.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../src/store/store';
import type { FakeNotion } from '../fakes/fakeNotion';
import { SLACK_IDS } from '../fakes/fakeSlack';

const ROOT = path.resolve(__dirname, '../..');
export const ENTRY = path.join(ROOT, 'dist/src/index.js');

export function buildIfStale(): void {
  const built = fs.existsSync(ENTRY) ? fs.statSync(ENTRY).mtimeMs : 0;
  const sources = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' });
  const stale = sources.some((file) => fs.statSync(path.join(ROOT, 'src', file)).mtimeMs > built);
  if (stale) execFileSync('npx', ['tsc', '-p', ROOT], { cwd: ROOT });
}

export interface ChildApp {
  child: ChildProcess;
  output(): string;
  /** Resolves with the HTTP port once the app says it is running. */
  port: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChildApp(env: NodeJS.ProcessEnv, cwd: string): ChildApp {
  const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env.PATH, ...env } });
  let output = '';
  let resolvePort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const match = /"port":(\d+)/.exec(output);
    if (match?.[1]) resolvePort(Number(match[1]));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, port, exited };
}

/** The page numbered `i` of seedWatches (a dashed Notion id). */
export function seededPageId(i: number): string {
  return `${i.toString(16).padStart(8, '0')}-aaaa-4bbb-8ccc-${'e'.repeat(12)}`;
}

/**
 * `count` pages ("Page 0"…) shared with `token` in the fake Notion, each watched by the default
 * connection in SLACK_IDS.channelId and due at once (never checked): the child app's first tick
 * sweeps them all.
 */
export async function seedWatches(
  store: Store,
  notion: FakeNotion,
  token: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    notion.addPage({ id: seededPageId(i), title: `Page ${i}`, sharedWith: [token] });
    await store.watches.add({
      channelId: SLACK_IDS.channelId,
      connection: 'default',
      resourceId: seededPageId(i),
      resourceType: 'page',
      title: `Page ${i}`,
      url: undefined,
      addedBy: SLACK_IDS.userId,
      addedAt: 1,
      status: { state: 'ok', since: 1 },
    });
  }
}
