import { MAX_TARGETS } from '../../domain/check';
import { CONNECTION_NAME, DEFAULT_CONNECTION } from '../../domain/connection';
import { containsSecret } from '../../security/tokens';
import type { UsageProblem } from '../../slack/blocks/help';

export type Command =
  | { kind: 'check'; targets: string[] }
  | { kind: 'watch'; targets: string[] }
  | { kind: 'unwatch'; target: string }
  | { kind: 'list' }
  | { kind: 'token'; connection: string }
  | { kind: 'help' }
  | ({ kind: 'usage' } & UsageProblem);

const SUBCOMMANDS = ['help', 'watch', 'unwatch', 'list', 'token'] as const;

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
    return { kind: 'usage', problem: 'too_many_targets', count: unique.length };
  }
  return { kind, targets: unique };
}

/**
 * The grammar of `/notion-check`. Anything that is not a subcommand is a list of links or IDs;
 * a single plain word (no digits, dots or slashes) is taken as a mistyped subcommand instead.
 */
export function parseCommand(text: string): Command {
  if (containsSecret(text)) return { kind: 'usage', problem: 'token_pasted' };
  const [first, ...rest] = words(text);
  if (first === undefined) return { kind: 'check', targets: [] };
  const sub = first.toLowerCase();

  switch (sub as (typeof SUBCOMMANDS)[number]) {
    case 'help':
      return { kind: 'help' };
    case 'list':
      return rest.length === 0
        ? { kind: 'list' }
        : { kind: 'usage', problem: 'list_takes_nothing' };
    case 'watch':
      return rest.length > 0
        ? limitTargets('watch', rest)
        : { kind: 'usage', problem: 'watch_needs_target' };
    case 'unwatch': {
      const [target, ...extra] = rest;
      return target && extra.length === 0
        ? { kind: 'unwatch', target }
        : { kind: 'usage', problem: 'unwatch_takes_one' };
    }
    case 'token': {
      const [connection = DEFAULT_CONNECTION, ...extra] = rest;
      if (extra.length > 0 || !CONNECTION_NAME.test(connection)) {
        return { kind: 'usage', problem: 'token_takes_name' };
      }
      return { kind: 'token', connection: connection.toLowerCase() };
    }
  }
  if (rest.length === 0 && /^[a-z][a-z-]*$/i.test(first) && first.length < 20) {
    return { kind: 'usage', problem: 'unknown_command', word: first };
  }
  return limitTargets('check', [first, ...rest]);
}
