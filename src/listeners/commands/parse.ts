import { containsSecret } from '../../security/tokens';

export const MAX_TARGETS = 20;

export type Command =
  | { kind: 'check'; targets: string[] }
  | { kind: 'watch'; targets: string[] }
  | { kind: 'unwatch'; target: string }
  | { kind: 'list' }
  | { kind: 'token'; connection: string }
  | { kind: 'help' }
  | { kind: 'usage'; problem: string };

const SUBCOMMANDS = ['help', 'watch', 'unwatch', 'list', 'token'] as const;
const CONNECTION_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

/** Slack may send links escaped as `<https://…>` or `<https://…|label with spaces>`. */
function words(text: string): string[] {
  return text
    .replace(/<([^|>\s]+)(?:\|[^>]*)?>/g, ' $1 ')
    .split(/\s+/)
    .filter(Boolean);
}

function limitTargets(kind: 'check' | 'watch', targets: string[]): Command {
  const unique = [...new Set(targets)];
  if (unique.length > MAX_TARGETS) {
    return {
      kind: 'usage',
      problem: `That is ${unique.length} pages or databases; I check at most ${MAX_TARGETS} at a time. Split them over several commands.`,
    };
  }
  return { kind, targets: unique };
}

/**
 * The grammar of `/notion-check`. Anything that is not a subcommand is a list of links or IDs;
 * a single plain word (no digits, dots or slashes) is taken as a mistyped subcommand instead.
 */
export function parseCommand(text: string): Command {
  if (containsSecret(text)) {
    return {
      kind: 'usage',
      problem:
        'That looks like a token. Never paste tokens in Slack: anyone in this channel could read your Notion data with it. Regenerate it at notion.so/my-integrations, then use `/notion-check token` (a private form).',
    };
  }
  const [first, ...rest] = words(text);
  if (first === undefined) return { kind: 'check', targets: [] };
  const sub = first.toLowerCase();

  switch (sub as (typeof SUBCOMMANDS)[number]) {
    case 'help':
      return { kind: 'help' };
    case 'list':
      return rest.length === 0
        ? { kind: 'list' }
        : { kind: 'usage', problem: '`list` takes no arguments.' };
    case 'watch':
      return rest.length > 0
        ? limitTargets('watch', rest)
        : { kind: 'usage', problem: '`watch` needs at least one Notion link or ID.' };
    case 'unwatch': {
      const [target, ...extra] = rest;
      return target && extra.length === 0
        ? { kind: 'unwatch', target }
        : { kind: 'usage', problem: '`unwatch` takes exactly one Notion link or ID.' };
    }
    case 'token': {
      const [connection = 'default', ...extra] = rest;
      if (extra.length > 0 || !CONNECTION_NAME.test(connection)) {
        return {
          kind: 'usage',
          problem:
            '`token` takes an optional connection name (letters, digits, - and _). Never paste a token here: the command opens a private form.',
        };
      }
      return { kind: 'token', connection: connection.toLowerCase() };
    }
  }
  if (rest.length === 0 && /^[a-z][a-z-]*$/i.test(first) && first.length < 20) {
    return { kind: 'usage', problem: `I don't know the command \`${first}\`.` };
  }
  return limitTargets('check', [first, ...rest]);
}
