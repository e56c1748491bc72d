/**
 * `npx notion-check check <link or id> … [--json]`: the bot's checks (notion/check.ts) for CI
 * pipelines and scripts, with NOTION_TOKEN from the environment or `.env`. `run()` is the whole
 * command as a function (tests call it in-process); bin/notion-check.js calls `main()`.
 */
import { type CheckRun, uncheckedResources } from '../domain/check';
import { checkResource, checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import {
  checkDeadlineMs,
  MAX_IN_FLIGHT_PER_CHECK,
  mapLimited,
  notionPacing,
  type RateLimiter,
} from '../notion/pacing';
import { REDACTED, redactText } from '../security/redact';
import { tokenFingerprint } from '../security/tokens';
import { parseCliArgs, USAGE } from './args';
import { EXIT, type ExitCode, exitCodeOf, renderText, toJsonReport } from './output';
import { readSettings } from './settings';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Where `.env` is looked for; default: the process's working directory. */
  cwd?: string;
  /** Tests: pacing, the deadline of the whole run, the clock. */
  limiter?: RateLimiter;
  deadlineMs?: number;
  now?: () => number;
}

type Env = Record<string, string | undefined>;

/** The bot's order: the token first; only if it works, every target, paced, several at once. */
async function checkAll(
  inputs: string[],
  settings: { token: string; apiUrl: string },
  io: CliIo,
): Promise<CheckRun> {
  const now = io.now ?? Date.now;
  const startedAt = now();
  const client = createNotionClient(settings.token, {
    baseUrl: settings.apiUrl,
    limiter: io.limiter ?? notionPacing(),
    deadline: startedAt + (io.deadlineMs ?? checkDeadlineMs(inputs.length)),
    priority: 'interactive',
    order: startedAt,
    owner: 'cli',
  });
  const token = await checkToken(client);
  const resources =
    token.diagnosis.kind === 'ok'
      ? await mapLimited(inputs, MAX_IN_FLIGHT_PER_CHECK, (input) => checkResource(client, input))
      : uncheckedResources(inputs, token.diagnosis);
  return {
    connection: 'default',
    fingerprint: tokenFingerprint(settings.token),
    integration: token.integration,
    token,
    resources,
    startedAt,
    durationMs: now() - startedAt,
  };
}

/** Runs one command line; never throws, never prints the token. Resolves with the exit code. */
export async function run(argv: readonly string[], env: Env, io: CliIo): Promise<ExitCode> {
  let secret: string | undefined;
  const safe = (text: string) => redactText(secret ? text.split(secret).join(REDACTED) : text);
  const out = (text: string) => io.stdout.write(safe(text));
  const err = (text: string) => io.stderr.write(safe(text));
  try {
    const command = parseCliArgs(argv);
    if (command.kind === 'help') {
      out(USAGE);
      return EXIT.ok;
    }
    if (command.kind === 'usage_error') {
      err(`notion-check: ${command.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    const cwd = io.cwd ?? process.cwd();
    const settings = readSettings(env, cwd);
    if (!settings.ok) {
      err(`${settings.problems.map((problem) => `notion-check: ${problem}`).join('\n')}\n`);
      err('Nothing was checked. See notion-check --help.\n');
      return EXIT.usage;
    }
    secret = settings.token;
    const result = await checkAll(command.inputs, settings, io);
    out(command.json ? `${JSON.stringify(toJsonReport(result), null, 2)}\n` : renderText(result));
    return exitCodeOf(result);
  } catch (error) {
    // Not a verdict about access: our own failure, said as such (redacted like everything).
    const message = error instanceof Error ? error.message : String(error);
    err(`notion-check: internal error, nothing could be concluded: ${message}\n`);
    return EXIT.noVerdict;
  }
}

/** What bin/notion-check.js runs: the process's environment, streams and working directory. */
export function main(argv: readonly string[]): Promise<ExitCode> {
  return run(argv, process.env, {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  });
}
