/** The small formatting helpers every message uses: counts, durations, dates, id lists. */
import {
  codeList,
  connectionLine,
  formatDuration,
  integrationLabel,
  mention,
  noun,
  plural,
  slackDate,
} from '../../../../src/slack/blocks/format';
import { HOUR, MINUTE, T0 } from '../../../support/fixtures';

describe('plural and noun', () => {
  it.each([
    [0, 'page', '0 pages'],
    [1, 'page', '1 page'],
    [2, 'page', '2 pages'],
    [200, 'watched page', '200 watched pages'],
  ])('plural(%d, %j) is %j', (count, word, expected) => {
    expect(plural(count, word)).toBe(expected);
  });

  it('takes an irregular plural', () => {
    expect(plural(1, 'is', 'are')).toBe('1 is');
    expect(plural(2, 'is', 'are')).toBe('2 are');
  });

  it('noun is the word alone, singular only for exactly one', () => {
    expect(noun(0, 'page')).toBe('pages');
    expect(noun(1, 'page')).toBe('page');
    expect(noun(2, 'page')).toBe('pages');
    expect(noun(1, 'is', 'are')).toBe('is');
    expect(noun(3, 'is', 'are')).toBe('are');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999, '999 ms'],
    [1_000, '1.0 s'],
    [1_234, '1.2 s'],
    [3_200, '3.2 s'],
    [60_000, '1 min'],
    [89_999, '1 min'],
    [90_000, '2 min'],
    [12 * MINUTE, '12 min'],
    [59 * MINUTE, '59 min'],
    [HOUR, '1 h 0 min'],
    [2 * HOUR + 14 * MINUTE, '2 h 14 min'],
    [3 * HOUR + 5 * MINUTE, '3 h 5 min'],
    [49 * HOUR, '49 h 0 min'],
  ])('%d ms is %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('rounds to the minute from one minute on', () => {
    expect(formatDuration(59 * MINUTE + 29_999)).toBe('59 min');
    expect(formatDuration(59 * MINUTE + 30_000)).toBe('1 h 0 min');
  });
});

describe('slackDate', () => {
  it('a Slack date token falls back to a readable ISO date', () => {
    expect(slackDate(T0)).toBe(
      `<!date^${T0 / 1000}^{date_short_pretty} at {time}|${new Date(T0).toISOString()}>`,
    );
  });

  it('uses whole seconds', () => {
    expect(slackDate(T0 + 999)).toMatch(new RegExp(`^<!date\\^${T0 / 1000}\\^`));
  });
});

describe('codeList and mention', () => {
  it('writes each value as code, comma separated', () => {
    expect(codeList(['req-1', 'req-2', 'req-3'])).toBe('`req-1`, `req-2`, `req-3`');
    expect(codeList(['req-1'])).toBe('`req-1`');
    expect(codeList([])).toBe('');
  });

  it('keeps at most `max` values', () => {
    expect(codeList(['a', 'b', 'c', 'd', 'e', 'f'], 5)).toBe('`a`, `b`, `c`, `d`, `e`');
    expect(codeList(['a'], 5)).toBe('`a`');
  });

  it('mentions a user', () => {
    expect(mention('U0ALICE01')).toBe('<@U0ALICE01>');
  });
});

describe('connection names in alerts, walkthroughs and lists', () => {
  it('keep a valid name exactly as typed, so it can be copied back into a command', () => {
    expect(connectionLine('sync_', 'Acme Sync')).toBe(
      'Connection `sync_` · integration *Acme Sync*',
    );
    expect(integrationLabel('a-_b')).toBe('connection `a-_b`');
  });

  it('escape anything that is not a valid name', () => {
    expect(connectionLine('<!channel>')).not.toContain('<!channel>');
  });
});
