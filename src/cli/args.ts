/**
 * The command line's words: `notion-check check <link or id> … [--json]`, `--help`. Everything
 * that makes a usage error (exit 3) is decided here, before any request to Notion.
 */
import { parseArgs } from 'node:util';
import { extractNotionId } from '@notionhq/client';
import { containsSecret } from '../security/tokens';

export const EXAMPLE_URL = 'https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef';

export const USAGE = `Usage: notion-check check <link or id> … [--json]
       notion-check --help

Checks that the Notion integration whose token is in NOTION_TOKEN can read each page,
database or data source given, with the same checks as the /notion-check Slack command:
the token first (users.me), then every link or id, several at once, at most 3 Notion
requests a second.

Arguments:
  <link or id>    a Notion link (${EXAMPLE_URL})
                  or a 32-character id, with or without dashes; as many as you like

Options:
  --json          print one JSON document on stdout instead of text
  -h, --help      show this help

Environment (from the environment, else from .env in the current directory):
  NOTION_TOKEN    the integration's secret (ntn_… or secret_…): notion.so/my-integrations
                  → your integration → Configuration. Never printed: only its last 4 characters.
  NOTION_API_URL  Notion API base URL (proxies, tests); default https://api.notion.com

Exit codes:
  0  every check passed: the token works and every page or database is readable
  1  an access problem: token invalid (401), not shared (404), missing capability (403)
     or in trash; the fix steps are printed
  2  no verdict: Notion unavailable (5xx, timeout, network), rate limiting (429) or an
     unexpected answer; not an access problem, try again later
  3  bad usage, decided before any request: no command, an unknown command or flag, no
     ids, an argument with no Notion id in it, NOTION_TOKEN missing or malformed
  An access problem outranks no verdict: 1 when any check found one, even if others got
  no answer. Results go to stdout, usage errors to stderr.

Examples:
  npx notion-check check ${EXAMPLE_URL}
  npx notion-check check 0123456789abcdef0123456789abcdef 89abcdef-0123-4567-89ab-cdef01234567 --json
`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'check'; inputs: string[]; json: boolean }
  | { kind: 'usage_error'; message: string };

const usageError = (message: string): CliCommand => ({ kind: 'usage_error', message });

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['check', 'help'] as const;

/** What the user typed, safe to show back (a pasted token never is). */
function shown(text: string): string {
  return containsSecret(text) ? 'a Notion token' : `"${text.slice(0, 100)}"`;
}

/**
 * `parseCliArgs(['check', 'https://…', '--json'])` → `{ kind: 'check', inputs, json: true }`.
 * `--help` anywhere wins; then unknown flags, the command, the ids. Identical ids count once.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  // Not strict: unknown flags come back as tokens, so the message is ours and never echoes a secret.
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const positionals: string[] = [];
  let json = false;
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'help') return { kind: 'help' };
    if (token.kind === 'positional') positionals.push(token.value);
  }
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(OPTIONS, token.name)) {
      return usageError(`unknown option ${shown(token.rawName)}`);
    }
    if (token.inlineValue !== undefined) {
      return usageError(`${shown(token.rawName)} takes no value`);
    }
    if (token.name === 'json') json = true;
  }

  const [command, ...rest] = positionals;
  if (command === undefined) return usageError('no command given');
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return usageError(`unknown command ${shown(command)} (the only command is "check")`);
  }
  if (command === 'help') return { kind: 'help' };

  const inputs = [...new Set(rest.map((input) => input.trim()).filter(Boolean))];
  if (inputs.length === 0) {
    return usageError('no page or database given: pass at least one Notion link or id');
  }
  const secret = inputs.find(containsSecret);
  if (secret !== undefined) {
    return usageError(
      'an argument looks like a Notion token, not a page id: put the token in NOTION_TOKEN, never on the command line (it stays in your shell history; consider regenerating it)',
    );
  }
  const invalid = inputs.filter((input) => !extractNotionId(input));
  if (invalid.length > 0) {
    return usageError(
      `${invalid.map(shown).join(', ')} ${invalid.length === 1 ? 'has' : 'have'} no Notion id in ${invalid.length === 1 ? 'it' : 'them'}: give a link such as ${EXAMPLE_URL} or a 32-character id`,
    );
  }
  return { kind: 'check', inputs, json };
}
