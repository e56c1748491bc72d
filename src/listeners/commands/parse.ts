import { MAX_TARGETS } from '../../domain/check';
import { CONNECTION_NAME, DEFAULT_CONNECTION } from '../../domain/connection';
import { containsSecret } from '../../security/tokens';
import type { UsageProblem } from '../../slack/blocks/help';

/** `connection`: the one named with `--connection`/`-c`; undefined means the channel's. */
export type Command =
  | { kind: 'check'; targets: string[]; connection?: string }
  | { kind: 'watch'; targets: string[]; connection?: string }
  | { kind: 'unwatch'; target: string; connection?: string }
  | { kind: 'list'; connection?: string }
  | { kind: 'watch_all'; connection?: string }
  | { kind: 'unwatch_all'; connection?: string }
  | { kind: 'token'; connection: string }
  | { kind: 'connections' }
  | { kind: 'use'; connection: string }
  | { kind: 'disconnect'; connection: string }
  | { kind: 'webhook'; connection: string }
  | { kind: 'help' }
  | ({ kind: 'usage' } & UsageProblem);

const SUBCOMMANDS = [
  'help',
  'watch',
  'unwatch',
  'list',
  'token',
  'connections',
  'use',
  'disconnect',
  'webhook',
] as const;

/** Slack may send links escaped as `<https://…>` or `<https://…|label with spaces>`. */
function words(text: string): string[] {
  return text
    .replace(/<([^|>\s]+)(?:\|[^>]*)?>/g, ' $1 ')
    .split(/\s+/)
    .filter(Boolean);
}

const FLAG = /^(?:--connection|-c)$/i;
const FLAG_WITH_VALUE = /^(?:--connection|-c)=(.*)$/i;

/** `--connection <name>`, `--connection=<name>` or `-c <name>`, anywhere: taken out of the words. */
function takeConnectionFlag(
  all: string[],
): { rest: string[]; connection?: string } | ({ kind: 'usage' } & UsageProblem) {
  const rest: string[] = [];
  const named: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const word = all[i] as string;
    const inline = FLAG_WITH_VALUE.exec(word);
    if (inline) {
      named.push(inline[1] ?? '');
    } else if (FLAG.test(word)) {
      named.push(all[i + 1] ?? '');
      i++;
    } else {
      rest.push(word);
    }
  }
  if (named.length === 0) return { rest };
  if (named.length > 1) return { kind: 'usage', problem: 'connection_flag_twice' };
  const name = named[0] as string;
  if (name === '') return { kind: 'usage', problem: 'connection_flag_needs_name' };
  if (!CONNECTION_NAME.test(name)) return { kind: 'usage', problem: 'bad_connection_name', name };
  return { rest, connection: name.toLowerCase() };
}

function limitTargets(kind: 'check' | 'watch', targets: string[], connection?: string): Command {
  const unique = [...new Set(targets)];
  if (unique.length > MAX_TARGETS) {
    return { kind: 'usage', problem: 'too_many_targets', count: unique.length };
  }
  return { kind, targets: unique, ...(connection && { connection }) };
}

/** `use`, `disconnect`, `webhook`: exactly one connection name. */
function oneName(kind: 'use' | 'disconnect' | 'webhook', rest: string[]): Command {
  const [name, ...extra] = rest;
  if (!name || extra.length > 0)
    return { kind: 'usage', problem: 'needs_connection_name', command: kind };
  if (!CONNECTION_NAME.test(name)) return { kind: 'usage', problem: 'bad_connection_name', name };
  return { kind, connection: name.toLowerCase() };
}

/** Subcommands that act on one connection and so take `--connection`/`-c`. */
const TAKES_FLAG = new Set<string>(['watch', 'unwatch', 'list']);

/**
 * The grammar of `/notion-check`. Anything that is not a subcommand is a list of links or IDs;
 * a single plain word (no digits, dots or slashes) is taken as a mistyped subcommand instead.
 */
export function parseCommand(text: string): Command {
  if (containsSecret(text)) return { kind: 'usage', problem: 'token_pasted' };
  const flagged = takeConnectionFlag(words(text));
  if ('kind' in flagged) return flagged;
  const { connection } = flagged;
  const [first, ...rest] = flagged.rest;
  const on = connection ? { connection } : {};
  if (first === undefined) return { kind: 'check', targets: [], ...on };
  const sub = first.toLowerCase();
  const isSubcommand = (SUBCOMMANDS as readonly string[]).includes(sub);
  if (connection && isSubcommand && !TAKES_FLAG.has(sub)) {
    return { kind: 'usage', problem: 'connection_flag_not_here', command: sub };
  }

  switch (sub as (typeof SUBCOMMANDS)[number]) {
    case 'help':
      return { kind: 'help' };
    case 'connections':
      return rest.length === 0
        ? { kind: 'connections' }
        : { kind: 'usage', problem: 'takes_nothing', command: 'connections' };
    case 'list':
      return rest.length === 0
        ? { kind: 'list', ...on }
        : { kind: 'usage', problem: 'takes_nothing', command: 'list' };
    case 'watch':
      if (rest.length === 1 && rest[0]?.toLowerCase() === 'all')
        return { kind: 'watch_all', ...on };
      return rest.length > 0
        ? limitTargets('watch', rest, connection)
        : { kind: 'usage', problem: 'watch_needs_target' };
    case 'unwatch': {
      const [target, ...extra] = rest;
      if (target?.toLowerCase() === 'all' && extra.length === 0) {
        return { kind: 'unwatch_all', ...on };
      }
      return target && extra.length === 0
        ? { kind: 'unwatch', target, ...on }
        : { kind: 'usage', problem: 'unwatch_takes_one' };
    }
    case 'token': {
      const [name = DEFAULT_CONNECTION, ...extra] = rest;
      if (extra.length > 0 || !CONNECTION_NAME.test(name)) {
        return { kind: 'usage', problem: 'token_takes_name' };
      }
      return { kind: 'token', connection: name.toLowerCase() };
    }
    case 'use':
    case 'disconnect':
    case 'webhook':
      return oneName(sub as 'use' | 'disconnect' | 'webhook', rest);
  }
  if (rest.length === 0 && /^[a-z][a-z-]*$/i.test(first) && first.length < 20) {
    return { kind: 'usage', problem: 'unknown_command', word: first };
  }
  return limitTargets('check', [first, ...rest], connection);
}
