import { MAX_TARGETS } from '../../../../src/domain/check';
import { parseCommand } from '../../../../src/listeners/commands/parse';
import { type UsageProblem, usageProblemText } from '../../../../src/slack/blocks/help';

const PAGE_URL = 'https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef';
const DB_URL = 'https://www.notion.so/acme/fedcba9876543210fedcba9876543210?v=1';
const HEX_ID = '1c2b3a498f7e4d6c9b5a4f3e2d1c0b9a';
const UUID = '1c2b3a49-8f7e-4d6c-9b5a-4f3e2d1c0b9a';

/** A distinct 32-hex Notion ID per index. */
const idNumber = (index: number) => index.toString(16).padStart(32, '0');

/** The problem the parser found in `text` (it must find one). */
function usage(text: string): UsageProblem {
  const command = parseCommand(text);
  if (command.kind !== 'usage') throw new Error(`expected usage, got ${JSON.stringify(command)}`);
  return command;
}

/** The sentence the user reads for that problem. */
const usageProblem = (text: string): string => usageProblemText(usage(text));

describe('parseCommand: subcommands', () => {
  it.each(['', '   ', '\n\t'])('checks the channel defaults for %j', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'check', targets: [] });
  });

  it.each(['help', 'HELP', 'Help', '  help  '])('shows help for %j', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'help' });
  });

  it('lists what the channel watches', () => {
    expect(parseCommand('list')).toEqual({ kind: 'list' });
    expect(parseCommand('LIST')).toEqual({ kind: 'list' });
  });

  it('refuses list with arguments', () => {
    expect(parseCommand(`list ${PAGE_URL}`)).toEqual({
      kind: 'usage',
      problem: 'takes_nothing',
      command: 'list',
    });
    expect(usageProblem(`list ${PAGE_URL}`)).toMatch(/`list` takes no arguments/);
  });

  it('watches the given targets', () => {
    expect(parseCommand(`watch ${PAGE_URL} ${HEX_ID}`)).toEqual({
      kind: 'watch',
      targets: [PAGE_URL, HEX_ID],
    });
  });

  it('asks for a target when watch has none', () => {
    expect(parseCommand('watch')).toEqual({ kind: 'usage', problem: 'watch_needs_target' });
    expect(usageProblem('watch')).toMatch(/`watch` needs at least one/);
  });

  it('unwatches exactly one target', () => {
    expect(parseCommand(`unwatch ${UUID}`)).toEqual({ kind: 'unwatch', target: UUID });
    expect(parseCommand('unwatch')).toEqual({ kind: 'usage', problem: 'unwatch_takes_one' });
    expect(parseCommand(`unwatch ${UUID} ${HEX_ID}`)).toEqual({
      kind: 'usage',
      problem: 'unwatch_takes_one',
    });
    expect(usageProblem('unwatch')).toMatch(/exactly one/);
    expect(usageProblem(`unwatch ${UUID} ${HEX_ID}`)).toMatch(/exactly one/);
  });

  it('opens the token form for the default connection', () => {
    expect(parseCommand('token')).toEqual({ kind: 'token', connection: 'default' });
  });

  it('opens the token form for a named connection, case-insensitively', () => {
    expect(parseCommand('token Marketing-ops_2')).toEqual({
      kind: 'token',
      connection: 'marketing-ops_2',
    });
  });

  it.each(['token bad!name', 'token -leading', `token ${'x'.repeat(33)}`, 'token a b'])(
    'refuses %j with a hint on connection names',
    (text) => {
      expect(parseCommand(text)).toEqual({ kind: 'usage', problem: 'token_takes_name' });
      expect(usageProblem(text)).toMatch(/optional connection name/);
    },
  );
});

describe('parseCommand: connections', () => {
  it('lists connections, and refuses arguments to it', () => {
    expect(parseCommand('connections')).toEqual({ kind: 'connections' });
    expect(usageProblem('connections sync')).toMatch(/`connections` takes no arguments/);
  });

  it.each(['use', 'disconnect', 'webhook'] as const)('%s takes exactly one name', (sub) => {
    expect(parseCommand(`${sub} Sync_2`)).toEqual({ kind: sub, connection: 'sync_2' });
    expect(parseCommand(sub)).toEqual({
      kind: 'usage',
      problem: 'needs_connection_name',
      command: sub,
    });
    expect(usageProblem(`${sub} a b`)).toMatch(new RegExp(`\`${sub}\` takes one connection name`));
    expect(usageProblem(`${sub} bad!name`)).toMatch(/is not a connection name/);
  });

  it.each([
    ['-c sync', { kind: 'check', targets: [], connection: 'sync' }],
    [`-c sync ${HEX_ID}`, { kind: 'check', targets: [HEX_ID], connection: 'sync' }],
    [`${HEX_ID} --connection Reports`, { kind: 'check', targets: [HEX_ID], connection: 'reports' }],
    [`watch --connection=sync ${HEX_ID}`, { kind: 'watch', targets: [HEX_ID], connection: 'sync' }],
    [`unwatch ${HEX_ID} -C sync`, { kind: 'unwatch', target: HEX_ID, connection: 'sync' }],
    ['list -c sync', { kind: 'list', connection: 'sync' }],
    ['watch all -c sync', { kind: 'watch_all', connection: 'sync' }],
    ['-c sync unwatch ALL', { kind: 'unwatch_all', connection: 'sync' }],
  ])('picks a connection anywhere in %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('watches and unwatches all with the channel connection', () => {
    expect(parseCommand('watch all')).toEqual({ kind: 'watch_all' });
    expect(parseCommand('unwatch all')).toEqual({ kind: 'unwatch_all' });
    // "all" among links is not a subcommand: it is a (bad) target.
    expect(parseCommand(`watch all ${HEX_ID}`)).toEqual({
      kind: 'watch',
      targets: ['all', HEX_ID],
    });
  });

  it('says what is wrong with a connection flag', () => {
    expect(usageProblem('-c')).toMatch(/needs a connection name after it/);
    expect(usageProblem(`${HEX_ID} --connection`)).toMatch(/needs a connection name/);
    expect(usageProblem('-c a -c b')).toMatch(/one connection per command/);
    expect(usageProblem('-c not!valid')).toMatch(/is not a connection name/);
    expect(usageProblem('token -c sync')).toMatch(/`token` doesn't take `--connection`/);
    expect(usageProblem('connections -c sync')).toMatch(/doesn't take/);
  });
});

describe('parseCommand: targets to check', () => {
  it.each([
    ['a Notion page URL', PAGE_URL],
    ['a database URL with a query', DB_URL],
    ['a bare 32-hex ID', HEX_ID],
    ['a dashed UUID', UUID],
  ])('checks %s', (_label, target) => {
    expect(parseCommand(target)).toEqual({ kind: 'check', targets: [target] });
  });

  it('checks several targets in order', () => {
    expect(parseCommand(`${PAGE_URL}  ${UUID}\n${HEX_ID}`)).toEqual({
      kind: 'check',
      targets: [PAGE_URL, UUID, HEX_ID],
    });
  });

  it('unwraps Slack-escaped links', () => {
    expect(parseCommand(`<${PAGE_URL}>`)).toEqual({ kind: 'check', targets: [PAGE_URL] });
    expect(parseCommand(`<${PAGE_URL}|notion.so/acme/Roadmap>`)).toEqual({
      kind: 'check',
      targets: [PAGE_URL],
    });
    expect(parseCommand(`watch <${PAGE_URL}> <${DB_URL}|Tasks>`)).toEqual({
      kind: 'watch',
      targets: [PAGE_URL, DB_URL],
    });
    expect(parseCommand(`unwatch <${PAGE_URL}|Roadmap>`)).toEqual({
      kind: 'unwatch',
      target: PAGE_URL,
    });
  });

  it('unwraps a Slack link whose label contains spaces', () => {
    expect(parseCommand(`<${PAGE_URL}|Q3 product roadmap>`)).toEqual({
      kind: 'check',
      targets: [PAGE_URL],
    });
  });

  it('removes duplicates, also between escaped and plain forms', () => {
    expect(parseCommand(`${PAGE_URL} <${PAGE_URL}> ${HEX_ID} ${HEX_ID}`)).toEqual({
      kind: 'check',
      targets: [PAGE_URL, HEX_ID],
    });
  });

  it(`accepts ${MAX_TARGETS} targets`, () => {
    const ids = Array.from({ length: 20 }, (_, index) => idNumber(index + 1));
    expect(parseCommand(ids.join(' '))).toEqual({ kind: 'check', targets: ids });
  });

  it('refuses 21 targets and names the limit of 20', () => {
    const ids = Array.from({ length: 21 }, (_, index) => idNumber(index + 1));
    expect(usage(ids.join(' '))).toEqual({ kind: 'usage', problem: 'too_many_targets', count: 21 });
    expect(usage(`watch ${ids.join(' ')}`)).toEqual({
      kind: 'usage',
      problem: 'too_many_targets',
      count: 21,
    });
    const problem = usageProblem(ids.join(' '));
    expect(problem).toContain('20');
    expect(problem).toContain('21');
    expect(usageProblem(`watch ${ids.join(' ')}`)).toContain('20');
  });

  it('counts targets after removing duplicates', () => {
    const ids = Array.from({ length: 20 }, (_, index) => idNumber(index + 1));
    const withRepeat = [...ids, ids[0] ?? ''].join(' ');
    expect(parseCommand(withRepeat)).toEqual({ kind: 'check', targets: ids });
  });

  it('names a single unknown word instead of checking it', () => {
    expect(usage('status')).toEqual({ kind: 'usage', problem: 'unknown_command', word: 'status' });
    expect(usage('Wtach')).toEqual({ kind: 'usage', problem: 'unknown_command', word: 'Wtach' });
    expect(usageProblem('status')).toContain('`status`');
    expect(usageProblem('Wtach')).toContain('`Wtach`');
  });

  it('keeps a malformed ID as a target so it is reported on its own line', () => {
    expect(parseCommand('abc123')).toEqual({ kind: 'check', targets: ['abc123'] });
    expect(parseCommand(`abc123 ${HEX_ID}`)).toEqual({
      kind: 'check',
      targets: ['abc123', HEX_ID],
    });
  });
});

describe('parseCommand: pasted tokens', () => {
  const tokens = [
    ['a current Notion token', `ntn_${'4'.repeat(11)}${'k'.repeat(35)}`],
    ['a legacy Notion token', `secret_${'Q'.repeat(43)}`],
    ['a Slack bot token', `xoxb-${'5'.repeat(12)}-${'6'.repeat(13)}-${'z'.repeat(24)}`],
    ['a Slack app token', `xapp-1-${'B'.repeat(11)}-${'7'.repeat(13)}-${'d'.repeat(64)}`],
  ];

  it.each(tokens)('warns about %s without repeating it', (_label, token) => {
    for (const text of [token, `token ${token}`, `${PAGE_URL} ${token}`, `watch ${token}`]) {
      expect(parseCommand(text)).toEqual({ kind: 'usage', problem: 'token_pasted' });
      const problem = usageProblem(text);
      expect(problem).toMatch(/token/i);
      expect(problem).toMatch(/regenerate/i);
      expect(problem).not.toContain(token);
      expect(problem).not.toContain(token.slice(0, 12));
    }
  });
});
