/**
 * The command line's words (src/cli/args.ts): what is a check, what is help, and every usage
 * error (exit 3), decided before anything is asked of Notion.
 */
import { parseCliArgs, USAGE } from '../../../src/cli/args';
import { fakeToken, pageId, pageUrl } from '../../support/fixtures';

const ID = pageId(1);

describe('a check', () => {
  test('links and ids in order, identical ones once, --json anywhere', () => {
    expect(parseCliArgs(['check', pageUrl(1), ID, '--json', ID, ` ${pageId(2)} `])).toEqual({
      kind: 'check',
      inputs: [pageUrl(1), ID, pageId(2)],
      json: true,
    });
    expect(parseCliArgs(['--json', 'check', ID])).toEqual({
      kind: 'check',
      inputs: [ID],
      json: true,
    });
    expect(parseCliArgs(['check', ID])).toEqual({ kind: 'check', inputs: [ID], json: false });
  });

  test('after --, everything is an argument (and must hold a Notion id)', () => {
    expect(parseCliArgs(['check', '--', ID])).toEqual({ kind: 'check', inputs: [ID], json: false });
    expect(parseCliArgs(['check', '--', '--json'])).toMatchObject({
      kind: 'usage_error',
      message: expect.stringContaining('"--json" has no Notion id'),
    });
  });
});

describe('help', () => {
  test.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['check', '--help']],
    [['nope', '--bogus', '-h']],
  ])('%j → help', (argv) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'help' });
  });

  test('the usage names the command, the flags, the variables and every exit code', () => {
    expect(USAGE).toMatch(/^Usage: notion-check check <link or id> … \[--json\]/);
    for (const word of ['--json', '--help', 'NOTION_TOKEN', 'NOTION_API_URL', '.env']) {
      expect(USAGE).toContain(word);
    }
    for (const code of [0, 1, 2, 3]) expect(USAGE).toMatch(new RegExp(`^  ${code}  `, 'm'));
    expect(USAGE).toContain('An access problem outranks no verdict');
  });
});

describe('usage errors', () => {
  test.each([
    [[], 'no command given'],
    [['check'], 'no page or database given'],
    [['check', '  '], 'no page or database given'],
    [['watch', ID], 'unknown command "watch"'],
    [['check', ID, '--bogus'], 'unknown option "--bogus"'],
    [['check', ID, '-x'], 'unknown option "-x"'],
    // Not an option just because Object.prototype has it.
    [['check', ID, '--toString'], 'unknown option "--toString"'],
    [['check', ID, '--connection', 'sync'], 'unknown option "--connection"'],
    [['check', ID, '--json=false'], '"--json" takes no value'],
    [['check', 'abc123'], '"abc123" has no Notion id in it'],
    [['check', 'abc', ID, 'def'], '"abc", "def" have no Notion id in them'],
  ])('%j → %s', (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.kind).toBe('usage_error');
    expect(parsed).toMatchObject({ message: expect.stringContaining(message) });
  });

  test('a token on the command line is refused and never shown back', () => {
    const token = fakeToken('zz99');
    for (const argv of [['check', token], ['check', ID, `--${token}`], [token]]) {
      const parsed = parseCliArgs(argv);
      expect(parsed.kind).toBe('usage_error');
      expect(JSON.stringify(parsed)).not.toContain(token);
    }
  });
});
