/**
 * The command line (`npx notion-check check <link or id> … [--json]`) against the fake Notion
 * over real HTTP: exit codes 0/1/2/3, the JSON document, the text report, NOTION_TOKEN from the
 * environment or `.env`, Notion's pacing, and the real bin/notion-check.js as a child process.
 * Whatever a test does, the token never appears in what the command printed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CliIo, run } from '../../src/cli/main';
import { type CliReport, cliReportSchema } from '../../src/cli/output';
import { FakeNotion } from '../fakes/fakeNotion';
import { buildIfStale } from '../support/childApp';
import { fakeNotionToken } from '../support/harness';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const TASKS_DB = '3c4d5e6f7a8b4c5d8e0f1a2b3c4d5e6f';
const PRIVATE = '4d5e6f7a8b9c4d5e9f0a1b2c3d4e5f6a';
const dashed = (id: string) =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
const link = (title: string, id: string) => `https://www.notion.so/acme/${title}-${id}`;

const token = fakeNotionToken('cli1');
const unknownToken = fakeNotionToken('gone');
const BIN = path.resolve(__dirname, '../../bin/notion-check.js');

let notion: FakeNotion;
let cwd: string;
/** Everything any command printed in this test (checked for secrets after each test). */
let printed: string[] = [];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function sink() {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    },
    text: () => text,
  };
}

async function cli(
  argv: string[],
  env: Record<string, string | undefined> = { NOTION_TOKEN: token, NOTION_API_URL: notion.url },
  options: Partial<CliIo> = {},
): Promise<Result> {
  const stdout = sink();
  const stderr = sink();
  const code = await run(argv, env, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    cwd,
    ...options,
  });
  printed.push(stdout.text(), stderr.text());
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function report(result: Result): CliReport {
  // Exactly one JSON document on stdout, of the documented shape (strict: no extra fields).
  return cliReportSchema.parse(JSON.parse(result.stdout));
}

beforeAll(async () => {
  notion = new FakeNotion();
  await notion.start();
  notion.addIntegration({ token, name: 'Roadmap Sync', workspaceName: 'Acme Corp' });
  notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [token] });
  notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [token] });
  notion.addDatabase({ id: TASKS_DB, title: 'Tasks', sharedWith: [token] });
  notion.addPage({ id: PRIVATE, title: 'Salaries', sharedWith: [] });
});

afterAll(async () => {
  await notion.stop();
});

beforeEach(() => {
  // An empty directory: no stray .env of the checkout is read.
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-cli-'));
  printed = [];
});

afterEach(() => {
  notion.clearFaults();
  notion.setRateLimit(undefined);
  notion.reset();
  fs.rmSync(cwd, { recursive: true, force: true });
  for (const text of printed) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(unknownToken);
  }
});

describe('exit 0: every check passes', () => {
  test('a page link, a bare id and a database → one ✓ line each, the integration named', async () => {
    const result = await cli(['check', link('Roadmap', ROADMAP), dashed(SPECS), TASKS_DB]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines).toContain(
      '✓ Token …cli1 works — integration "Roadmap Sync" in the "Acme Corp" workspace',
    );
    expect(lines).toContain(`✓ "Roadmap" (page ${dashed(ROADMAP)})`);
    expect(lines).toContain(`✓ "Specs" (page ${dashed(SPECS)})`);
    expect(lines).toContain(`✓ "Tasks" (database ${dashed(TASKS_DB)})`);
    expect(result.stdout).toContain('All good: the token works and 3 pages or databases are');
    expect(result.stdout).not.toMatch(/✗|⚠|How to fix/);
    // No Slack formatting in a terminal.
    expect(result.stdout).not.toMatch(/:[a-z_]+:|<https?:[^>]*\||\*[A-Z]/);
  });

  test('--json: ok, exitCode 0, one result per distinct argument, in order', async () => {
    const result = await cli(['check', '--json', ROADMAP, TASKS_DB, ROADMAP]);
    expect(result.code).toBe(0);
    const json = report(result);
    expect(json).toMatchObject({
      ok: true,
      exitCode: 0,
      token: { fingerprint: '…cli1', ok: true, status: 'ok', category: 'ok' },
      integration: { name: 'Roadmap Sync', workspace: 'Acme Corp', ownerType: 'workspace' },
    });
    expect(json.results).toEqual([
      expect.objectContaining({
        input: ROADMAP,
        id: dashed(ROADMAP),
        type: 'page',
        title: 'Roadmap',
        ok: true,
        checked: true,
        status: 'ok',
      }),
      expect.objectContaining({ input: TASKS_DB, type: 'database', title: 'Tasks', ok: true }),
    ]);
    expect(json.results[0]).not.toHaveProperty('fix');
    expect(json.results[0]).not.toHaveProperty('problem');
  });
});

describe('exit 1: an access problem', () => {
  test('one shared and one not shared (404) → exit 1, the JSON says which and how to fix', async () => {
    const result = await cli([
      'check',
      link('Roadmap', ROADMAP),
      link('Salaries', PRIVATE),
      '--json',
    ]);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    const json = report(result);
    expect(json).toMatchObject({ ok: false, exitCode: 1, token: { ok: true } });
    const [shared, lost] = json.results;
    expect(shared).toMatchObject({ ok: true, status: 'ok', title: 'Roadmap' });
    expect(lost).toMatchObject({
      input: link('Salaries', PRIVATE),
      id: dashed(PRIVATE),
      type: 'unknown',
      ok: false,
      checked: true,
      status: 'not_shared',
      category: 'access',
      httpStatus: 404,
      code: 'object_not_found',
      problem: 'Not shared with the integration (or deleted)',
    });
    expect(lost?.requestId).toEqual(expect.any(String));
    expect(lost?.fix?.map((step) => step.split(':')[0])).toEqual([
      'Verify page sharing settings',
      'Re-add the integration to the page',
      'Test the API connection',
      'Check workspace permissions',
    ]);
    expect(lost?.fix?.[0]).toContain('"Roadmap Sync"');
    expect(lost?.fix?.join(' ')).not.toMatch(/\/notion-check token|regenerat/i);
  });

  test('the text report: ✓ and ✗ lines, the fix steps in words, the request id for support', async () => {
    const result = await cli(['check', ROADMAP, PRIVATE]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`✓ "Roadmap" (page ${dashed(ROADMAP)})`);
    const lost = lines.find((line) => line.startsWith(`✗ ${PRIVATE}`));
    expect(lost).toMatch(
      /— Not shared with the integration \(or deleted\) \[404 object_not_found · request id \S+\]$/,
    );
    expect(result.stdout).toContain(
      `How to fix: Not shared with the integration (or deleted) — ${PRIVATE}`,
    );
    expect(result.stdout).toContain('  1. Verify page sharing settings: Open the page or database');
    expect(result.stdout).toContain('  2. Re-add the integration to the page:');
    expect(result.stdout).toContain('Contact Notion support');
    expect(result.stdout).toContain('1 access problem, 1 accessible (in ');
    expect(result.stdout).toContain('exit 1).');
  });

  test('an invalid token (401) → exit 1, token_invalid, nothing else asked, the token steps', async () => {
    const result = await cli(['check', ROADMAP, '--json'], {
      NOTION_TOKEN: unknownToken,
      NOTION_API_URL: notion.url,
    });
    expect(result.code).toBe(1);
    const json = report(result);
    expect(json.token).toMatchObject({
      fingerprint: '…gone',
      ok: false,
      status: 'token_invalid',
      httpStatus: 401,
      code: 'unauthorized',
    });
    expect(json.token.fix?.map((step) => step.split(':')[0])).toEqual([
      'Check integration status',
      'Regenerate the API token',
      'Test the API connection',
      'Clear application cache',
      'Check workspace permissions',
    ]);
    expect(json.results).toEqual([
      expect.objectContaining({
        input: ROADMAP,
        checked: false,
        ok: false,
        status: 'token_invalid',
      }),
    ]);
    expect(json).not.toHaveProperty('integration');
    expect(notion.requests.map((request) => request.path)).toEqual(['/v1/users/me']);

    const text = await cli(['check', ROADMAP], {
      NOTION_TOKEN: unknownToken,
      NOTION_API_URL: notion.url,
    });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('✗ Token …gone — The integration token is invalid');
    expect(text.stdout).toContain(`✗ ${ROADMAP} — not checked (the token check failed)`);
    expect(text.stdout).toContain(
      'Regenerate the API token: At https://www.notion.so/my-integrations',
    );
  });

  test('an access problem outranks an outage: one 404 and one 503 → exit 1', async () => {
    notion.fault({
      match: { pathPrefix: `/v1/pages/${dashed(SPECS)}` },
      fault: { kind: 'status', status: 503 },
    });
    const result = await cli(['check', PRIVATE, SPECS, '--json'], undefined, { deadlineMs: 2_000 });
    expect(result.code).toBe(1);
    expect(report(result).results.map((r) => [r.status, r.category])).toEqual([
      ['not_shared', 'access'],
      ['notion_unavailable', 'transient'],
    ]);
  });
});

describe('exit 2: no verdict (Notion unavailable or rate limiting)', () => {
  test('503 on every call past the deadline → exit 2, not an access problem, no token advice', async () => {
    notion.fault({ fault: { kind: 'status', status: 503, code: 'service_unavailable' } });
    const json = await cli(['check', ROADMAP, '--json'], undefined, { deadlineMs: 1_500 });
    expect(json.code).toBe(2);
    expect(report(json)).toMatchObject({
      ok: false,
      exitCode: 2,
      token: { status: 'notion_unavailable', category: 'transient', httpStatus: 503 },
    });
    expect(report(json).token).not.toHaveProperty('fix');

    const text = await cli(['check', ROADMAP], undefined, { deadlineMs: 1_500 });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Notion is unavailable — not an access problem, try again later');
    expect(text.stdout).not.toMatch(/regenerat|token is invalid|How to fix/i);
  });

  test('429 with a Retry-After past the deadline → exit 2 at once, rate_limited', async () => {
    notion.fault({
      match: { pathPrefix: '/v1/pages' },
      fault: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
    });
    const started = Date.now();
    const result = await cli(['check', ROADMAP, '--json']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(2);
    expect(report(result).results[0]).toMatchObject({
      status: 'rate_limited',
      category: 'transient',
      httpStatus: 429,
      problem: expect.stringMatching(/^Notion is rate limiting us.*retry after \d{4}-\d\d-\d\d/),
    });
  });
});

describe('pacing', () => {
  test('several ids at once, never more than Notion allows (3 a second): no 429', async () => {
    const more = Array.from({ length: 5 }, (_, i) => `${'5'.repeat(31)}${i}`);
    for (const id of more) notion.addPage({ id, title: `Page ${id}`, sharedWith: [token] });
    notion.setRateLimit({ limit: 3, windowMs: 1_000 });
    notion.fault({ match: { pathPrefix: '/v1/pages' }, fault: { kind: 'delay', ms: 300 } });
    const pages = () => notion.requests.filter((r) => r.path.startsWith('/v1/pages'));
    let maxInFlight = 0;
    const stop = notion.onRequest(() => {
      const waiting = pages().filter((r) => r.status === null).length;
      maxInFlight = Math.max(maxInFlight, waiting);
    });
    const ids = [ROADMAP, SPECS, ...more];
    const result = await cli(['check', ...ids, '--json']);
    stop();
    expect(result.code).toBe(0);
    expect(report(result).results).toHaveLength(ids.length);
    expect(pages()).toHaveLength(ids.length);
    expect(notion.rateLimited).toBe(0);
    // Concurrent: a page request started while another was still waiting for its answer.
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
  });
});

describe('exit 3: bad usage, decided before any request', () => {
  test.each([
    ['no command', [], /no command given/],
    ['no ids', ['check'], /no page or database given/],
    ['only --json', ['check', '--json'], /no page or database given/],
    ['an unknown flag', ['check', ROADMAP, '--bogus'], /unknown option "--bogus"/],
    ['a flag with a value', ['check', ROADMAP, '--json=yes'], /"--json" takes no value/],
    ['an unknown command', ['watch', ROADMAP], /unknown command "watch"/],
    ['an id with no Notion id in it', ['check', ROADMAP, 'abc123'], /"abc123" has no Notion id/],
  ])(
    '%s → exit 3, the usage on stderr, nothing on stdout, no request',
    async (_name, argv, message) => {
      const result = await cli(argv);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: notion-check check <link or id> … [--json]');
      expect(notion.requests).toHaveLength(0);
    },
  );

  test('a token given as an id → exit 3, the token never echoed', async () => {
    const result = await cli(['check', token]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('looks like a Notion token');
    expect(notion.requests).toHaveLength(0);
  });

  test('NOTION_TOKEN missing → exit 3, a message naming it and where to get it', async () => {
    const result = await cli(['check', ROADMAP], { NOTION_API_URL: notion.url });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('NOTION_TOKEN is not set');
    expect(result.stderr).toContain('https://www.notion.so/my-integrations');
    expect(result.stderr).toContain(cwd);
    expect(notion.requests).toHaveLength(0);
  });

  test('NOTION_TOKEN empty (an unset CI secret) or malformed → exit 3', async () => {
    const empty = await cli(['check', ROADMAP], { NOTION_TOKEN: '', NOTION_API_URL: notion.url });
    expect(empty).toMatchObject({ code: 3, stdout: '' });
    expect(empty.stderr).toContain('NOTION_TOKEN is not set (it is empty)');
    const malformed = await cli(['check', ROADMAP], {
      NOTION_TOKEN: 'xyz_not_a_token',
      NOTION_API_URL: notion.url,
    });
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toContain('NOTION_TOKEN must start with ntn_ or secret_');
    expect(malformed.stderr).not.toContain('xyz_not_a_token');
    expect(notion.requests).toHaveLength(0);
  });
});

describe('--help', () => {
  test.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['check', '--help']],
    [['check', ROADMAP, '-h']],
  ])('%j → exit 0, the usage on stdout', async (argv) => {
    const result = await cli(argv);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Usage: notion-check check <link or id> … [--json]');
    expect(result.stdout).toContain('An access problem outranks no verdict');
    expect(notion.requests).toHaveLength(0);
  });
});

describe('.env', () => {
  test('NOTION_TOKEN and NOTION_API_URL are read from .env in the working directory', async () => {
    fs.writeFileSync(
      path.join(cwd, '.env'),
      `# the checkout's settings\nNOTION_TOKEN=${token}\nNOTION_API_URL=${notion.url}\n`,
    );
    const result = await cli(['check', ROADMAP], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ Token …cli1 works');
  });

  test('the environment wins over .env (dotenv never overrides it)', async () => {
    fs.writeFileSync(
      path.join(cwd, '.env'),
      `NOTION_TOKEN=${token}\nNOTION_API_URL=${notion.url}\n`,
    );
    const result = await cli(['check', ROADMAP, '--json'], { NOTION_TOKEN: unknownToken });
    expect(result.code).toBe(1);
    expect(report(result).token).toMatchObject({ fingerprint: '…gone', status: 'token_invalid' });
  });
});

describe('bin/notion-check.js, the real command', () => {
  beforeAll(() => buildIfStale(), 120_000);

  function spawnBin(argv: string[], env: NodeJS.ProcessEnv): Promise<Result> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...argv], {
        cwd,
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        printed.push(stdout, stderr);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  test('is executable, and its exit code and JSON are the command’s', async () => {
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
    const result = await spawnBin(['check', ROADMAP, PRIVATE, '--json'], {
      NOTION_TOKEN: token,
      NOTION_API_URL: notion.url,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    const json = report(result);
    expect(json.results.map((r) => r.status)).toEqual(['ok', 'not_shared']);
  }, 60_000);

  test('bad usage exits 3; --help exits 0', async () => {
    const usage = await spawnBin(['check'], { NOTION_TOKEN: token, NOTION_API_URL: notion.url });
    expect(usage.code).toBe(3);
    expect(usage.stderr).toContain('Usage: notion-check check');
    const help = await spawnBin(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: notion-check check');
  }, 60_000);
});
