/**
 * The rendering edge: escapeMrkdwn makes text from Notion or users inert (no forged line, no
 * formatting, no emoji, no reordering, no token), isNotionUrl says which typed links may be
 * linked, and capText keeps every message's `text` within Slack's 40,000 characters, whatever
 * builder made it.
 */
import type { CheckRun, ResourceCheck } from '../../../../src/domain/check';
import { diagnosisOf } from '../../../../src/domain/diagnosis';
import { ephemeral } from '../../../../src/slack/blocks/ephemeral';
import { buildFixSteps } from '../../../../src/slack/blocks/fixSteps';
import { helpMessage, usageMessage } from '../../../../src/slack/blocks/help';
import { stoppedWatchingAll, watchAllResultMessage } from '../../../../src/slack/blocks/inventory';
import {
  capText,
  escapeMrkdwn,
  isNotionUrl,
  LIMITS,
  mrkdwnLink,
} from '../../../../src/slack/blocks/mrkdwn';
import { refusalText } from '../../../../src/slack/blocks/refusals';
import {
  cannotPostHint,
  reportRefused,
  stoppedWatching,
} from '../../../../src/slack/blocks/replies';
import { buildReport } from '../../../../src/slack/blocks/report';
import { watchListMessage, watchResultMessage } from '../../../../src/slack/blocks/watches';
import { checkRun, fakeToken, pageId, pageUrl, USER, watch } from '../../../support/fixtures';

const ATTACK = 'Roadmap\n:white_check_mark: *Token …abcd works* — all good';

describe('escapeMrkdwn', () => {
  it('renders the forged status line as part of one line, its markup neutralised', () => {
    expect(escapeMrkdwn(ATTACK)).toBe('Roadmap ∶white_check_mark: ∗Token …abcd works∗ — all good');
  });

  it('escapes &, < and > once, so no link, mention or <!channel> survives', () => {
    expect(escapeMrkdwn('R&D <@U1> <!channel> <https://evil.example|x>')).toBe(
      'R&amp;D &lt;@U1&gt; &lt;!channel&gt; &lt;https://evil.example|x&gt;',
    );
    expect(escapeMrkdwn('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });

  it('redacts tokens, also one split by a zero-width character', () => {
    const token = fakeToken();
    const split = `${token.slice(0, 10)}\u200b${token.slice(10)}`;
    expect(escapeMrkdwn(`a ${token} b`)).toBe('a [redacted] b');
    expect(escapeMrkdwn(`a ${split} b`)).toBe('a [redacted] b');
  });

  it.each([
    ['LF', '\n'],
    ['CR LF', '\r\n'],
    ['CR', '\r'],
    ['run of blank lines', '\n\n\n'],
    ['vertical tab', '\v'],
    ['form feed', '\f'],
    ['NEL (U+0085)', '\u0085'],
    ['line separator (U+2028)', '\u2028'],
    ['paragraph separator (U+2029)', '\u2029'],
  ])('collapses a %s to one space', (_name, breakChars) => {
    expect(escapeMrkdwn(`one${breakChars}two`)).toBe('one two');
  });

  const invisible = [
    ...['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'],
    ...['\u2066', '\u2067', '\u2068', '\u2069'],
    ...['\u200E', '\u200F', '\u061C'],
    ...['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'],
  ];
  it.each(invisible.map((char) => [`U+${char.codePointAt(0)?.toString(16).toUpperCase()}`, char]))(
    'removes %s (bidi control or zero-width)',
    (_name, char) => {
      expect(escapeMrkdwn(`ab${char}cd${char}`)).toBe('abcd');
    },
  );

  it('cannot be reordered by a right-to-left override', () => {
    expect(escapeMrkdwn('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
  });

  it.each([
    ['bold', '*bold*', '∗bold∗'],
    ['italic', '_italic_', 'ˍitalicˍ'],
    ['strike', '~strike~', '∼strike∼'],
    ['code', '`code`', 'ˋcodeˋ'],
    ['a code block', '```x```', 'ˋˋˋxˋˋˋ'],
    ['a backtick inside a word', 'a`b', 'aˋb'],
    ['bold in a sentence', 'see *this*, now', 'see ∗this∗, now'],
    ['a marker next to punctuation', '(*x*)', '(∗x∗)'],
    ['markers at both ends of the text', '*x', '∗x'],
    ['full-width markers', '＊x＊ ＿y＿ ｀z｀', '∗x∗ ˍyˍ ˋzˋ'],
  ])('neutralises %s', (_name, input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it.each([
    ['an emoji code', ':white_check_mark:', '∶white_check_mark:'],
    ['a skin tone', ':+1::skin-tone-2:', '∶+1:∶skin-tone-2:'],
    ['a code inside a word', 'ok:tada:ok', 'ok∶tada:ok'],
    ['a non-Latin custom emoji', ':チェック:', '∶チェック:'],
    ['digits', ':100:', '∶100:'],
  ])('breaks %s', (_name, input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it.each([['> quote'], ['  > quote'], ['＞ quote'], ['\n> quote']])(
    'a leading quote marker cannot quote: %j',
    (input) => {
      expect(escapeMrkdwn(input).trim()).toBe('› quote');
    },
  );

  it('a > elsewhere is an entity', () => {
    expect(escapeMrkdwn('a\n> b')).toBe('a &gt; b');
  });

  it.each([
    'Q3: plan',
    "Team's wiki (draft) — v2.1, 50% done!",
    'file_name.md',
    'snake_case_name',
    'a*b*c',
    'x~y',
    'Tasks (all)',
    'Roadmap 2024/25 #launch @ops',
    'std::vector',
    'Ünïcødé ✓ 日本語 🙂',
    '',
  ])('keeps ordinary text as it is: %j', (text) => {
    expect(escapeMrkdwn(text)).toBe(text);
  });

  it('is linear on pathological input (no backtracking blow-up)', () => {
    const nasty = [':a'.repeat(50_000), '*_~'.repeat(50_000), '\n\u200b'.repeat(50_000)].join('');
    const started = Date.now();
    const out = escapeMrkdwn(nasty);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(out).not.toMatch(/[\n\u200b]/);
  });
});

describe('isNotionUrl and the links it allows', () => {
  it.each([
    'https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef',
    'https://notion.so/0123456789abcdef0123456789abcdef',
    'https://notion.site/x',
    'https://acme.notion.site/Roadmap-0123456789abcdef0123456789abcdef',
    'https://WWW.NOTION.SO/x',
  ])('accepts %s', (url) => {
    expect(isNotionUrl(url)).toBe(true);
  });

  it.each([
    'https://evil.example/x-0123456789abcdef0123456789abcdef',
    'http://www.notion.so/x',
    'https://notion.so.evil.example/x',
    'https://evilnotion.so/x',
    'https://evilnotion.site/x',
    'https://notion.so@evil.example/x',
    'https://user:pass@www.notion.so/x',
    'https://www.notion.so:8443/x',
    'https://www.notion.com/x',
    'javascript:alert(1)',
    'www.notion.so/x',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(isNotionUrl(url)).toBe(false);
  });

  it('refuses nothing at all', () => {
    expect(isNotionUrl(undefined)).toBe(false);
    expect(isNotionUrl(null)).toBe(false);
  });

  it('mrkdwnLink still refuses what is not a plain https URL', () => {
    expect(mrkdwnLink('https://www.notion.so/x|y', 'x')).toBe('*x*');
    expect(mrkdwnLink('https://www.notion.so/x', 'x')).toBe('<https://www.notion.so/x|x>');
  });
});

describe('capText', () => {
  const MAX = LIMITS.messageText;

  it('is 40,000, Slack’s limit for a message’s text', () => {
    expect(MAX).toBe(40_000);
  });

  it('leaves a message within the limit as it is', () => {
    const message = { text: 'x'.repeat(MAX), blocks: [] };
    expect(capText(message)).toBe(message);
  });

  it('cuts a longer text to the limit, ends it with …, keeps the other fields', () => {
    const capped = capText({ response_type: 'ephemeral', text: 'x'.repeat(MAX + 1), blocks: [] });
    expect(capped.text.length).toBeLessThanOrEqual(MAX);
    expect(capped.text.endsWith('…')).toBe(true);
    expect(capped.response_type).toBe('ephemeral');
  });

  it.each([
    ['half a link', (pad: string) => `${pad}<https://www.notion.so/${'a'.repeat(100)}|Roadmap>`],
    ['half an entity', (pad: string) => `${pad.slice(0, -2)}&amp;${'&amp;'.repeat(10)}`],
    ['half a surrogate pair', (pad: string) => `${pad.slice(0, -1)}${'🙂'.repeat(10)}`],
  ])('never leaves %s behind', (_name, build) => {
    const text = capText({ text: build('x'.repeat(MAX - 3)) }).text;
    expect(text.length).toBeLessThanOrEqual(MAX);
    const body = text.slice(0, -1);
    expect(body.lastIndexOf('<')).toBeLessThanOrEqual(body.lastIndexOf('>'));
    expect(body).not.toMatch(/&[a-z#0-9]*$/);
    expect(body).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});

/** Huge inputs: 20 inputs of 4,000 characters, titles of 2,000 to 4,000, 200 watches. */
describe('every fallback a listener sends stays within 40,000 characters', () => {
  const long = (n: number, unit = '&') => unit.repeat(n);
  const hugeResource = (index: number, kind: 'ok' | 'in_trash' | 'not_shared'): ResourceCheck => ({
    input: `https://www.notion.so/${long(4_000 - 60, 'a')}-${pageId(index)}`,
    id: pageId(index),
    type: 'page',
    title: kind === 'not_shared' ? undefined : long(4_000),
    url: kind === 'not_shared' ? undefined : pageUrl(index),
    inTrash: kind === 'in_trash',
    diagnosis: diagnosisOf(kind, { requestId: long(500, '`'), message: long(4_000) }),
  });
  const kinds = ['ok', 'in_trash', 'not_shared'] as const;
  const hugeRun: CheckRun = checkRun({
    connection: long(4_000),
    resources: Array.from({ length: 20 }, (_, i) => hugeResource(i + 1, kinds[i % 3] ?? 'ok')),
  });
  const watches = Array.from({ length: 200 }, (_, i) => watch(i + 1, { title: long(2_000) }));
  const huge = long(200_000, 'x');

  const messages: [string, () => { text: string }][] = [
    ['report', () => buildReport(hugeRun, { userId: USER })],
    [
      'resolved report',
      () => buildReport(hugeRun, { userId: USER, resolution: { by: huge, tookMs: 1 } }),
    ],
    ['fix steps', () => buildFixSteps(hugeRun)],
    ['help', () => helpMessage()],
    ['usage', () => usageMessage({ problem: 'unknown_command', word: long(4_000) })],
    [
      'watch result',
      () =>
        watchResultMessage(
          {
            run: hugeRun,
            added: hugeRun.resources.slice(0, 10),
            existing: hugeRun.resources.slice(10),
          },
          USER,
        ),
    ],
    ['watch list', () => watchListMessage(watches)],
    [
      'watch list with watch all',
      () =>
        watchListMessage(watches, {
          connection: { name: huge, integrationName: huge },
          all: [{ connection: huge, integrationName: huge, count: 1, since: 0, addedBy: USER }],
        }),
    ],
    [
      'watch all',
      () =>
        watchAllResultMessage(
          { connection: huge, integrationName: huge, count: 1e6, already: false, complete: false },
          USER,
        ),
    ],
    ['unwatch all', () => stoppedWatchingAll(USER, huge, huge)],
    ['unwatch', () => stoppedWatching(USER, watch(1, { title: long(50_000) }))],
    [
      'unwatch, no title',
      () => stoppedWatching(USER, watch(1, { title: undefined, resourceId: huge })),
    ],
    ['a one-line ephemeral', () => ephemeral(huge)],
    ['a refused report', () => ephemeral(reportRefused(huge, huge))],
    ['the cannot-post hint', () => ephemeral(cannotPostHint(huge))],
    ['a refusal', () => ephemeral(refusalText({ reason: 'not_found', what: 'alert' }) ?? '')],
  ];

  it.each(messages)('%s', (_name, build) => {
    const { text } = build();
    expect(text.trim()).not.toBe('');
    expect(text.length).toBeLessThanOrEqual(LIMITS.messageText);
  });
});
