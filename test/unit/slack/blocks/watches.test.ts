/**
 * The `list` answer (what a channel watches) and the `watch` answer (what was added). Within
 * Block Kit's limits, every watch listed or counted, titles escaped and token-free.
 */

import type { CheckRun, ResourceCheck } from '../../../../src/domain/check';
import { type Diagnosis, diagnosisOf } from '../../../../src/domain/diagnosis';
import type { WatchAllSummary } from '../../../../src/domain/inventory';
import type { Watch } from '../../../../src/domain/watch';
import { DIAGNOSIS_TITLES } from '../../../../src/slack/blocks/copy';
import { watchListMessage, watchResultMessage } from '../../../../src/slack/blocks/watches';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';
import {
  checkRun,
  fakeToken,
  INTEGRATION,
  MINUTE,
  pageId,
  resource,
  T0,
  USER,
  watch,
} from '../../../support/fixtures';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = fakeToken();
const SLACK_TOKEN = ['xoxb', '1234567890', 'abcdefghijKLMN'].join('-');

describe('text from Notion is escaped and token-free', () => {
  const hostile = `<!channel> R&D ${TOKEN} <https://evil.example|click> ${SLACK_TOKEN}`;

  it('the watch list escapes titles the same way', () => {
    const message = watchListMessage([
      watch(1, { title: hostile }),
      watch(2, { title: undefined }),
    ]);
    assertBlockKitLimits(message);
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(SLACK_TOKEN);
    expect(visibleText(message.blocks)).toContain('&lt;!channel&gt; R&amp;D');
  });
});

describe('watch list (`/notion-check list`)', () => {
  it('with nothing watched says how to add a page', () => {
    const message = watchListMessage([]);
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('ephemeral');
    expect(visibleText(message.blocks)).toContain('/notion-check watch');
  });

  it('shows each watch with its state emoji, who added it, and "failing since" only when failing', () => {
    const watches = [
      watch(1, { status: { state: 'ok', since: T0 }, addedBy: 'U0OKUSER1' }),
      watch(2, {
        status: { state: 'suspect', since: T0, kind: 'not_shared' },
        addedBy: 'U0SUSPECT',
      }),
      watch(3, {
        status: { state: 'failing', since: T0 + 7 * MINUTE, kind: 'not_shared' },
        addedBy: 'U0FAILING',
      }),
      watch(4, {
        status: { state: 'ok', since: T0 },
        title: undefined,
        url: undefined,
        lastCheckedAt: undefined,
        addedBy: USER,
      }),
    ];
    const message = watchListMessage(watches);
    assertBlockKitLimits(message);
    expect(message.text).toContain('4 pages');
    const lines = visibleText(message.blocks).split('\n');
    const lineOf = (w: Watch) => lines.find((line) => line.includes(w.title ?? w.resourceId));
    const [ok, suspect, failing, untitled] = watches.map(lineOf);

    expect(ok).toMatch(/^:white_check_mark: /);
    expect(ok).toContain('<@U0OKUSER1>');
    expect(ok).not.toContain('failing since');

    expect(suspect).toMatch(/^:hourglass_flowing_sand: /);
    expect(suspect).toContain('<@U0SUSPECT>');
    expect(suspect).not.toContain('failing since');

    expect(failing).toMatch(/^:x: /);
    expect(failing).toContain(`failing since <!date^${Math.floor((T0 + 7 * MINUTE) / 1000)}^`);
    expect(failing).toContain('<@U0FAILING>');

    // No title: the page ID stands in; never checked yet says so.
    expect(untitled).toContain(`*${pageId(4)}*`);
    expect(untitled).toContain('not checked yet');
    expect(untitled).toContain(`<@${USER}>`);
  });

  it('200 watches stay within limits and every one of them is listed', () => {
    const watches = Array.from({ length: 200 }, (_, i) =>
      watch(i + 1, {
        status: { state: (['ok', 'suspect', 'failing'] as const)[i % 3] ?? 'ok', since: T0 },
        title: `Team meeting notes ${i + 1} — planning, decisions and follow-ups for the quarter`,
        addedBy: `U0USER${String(i % 7).padStart(3, '0')}`,
      }),
    );
    const message = watchListMessage(watches);
    assertBlockKitLimits(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.text).toContain('200 pages');
    const shown = visibleText(message.blocks);
    const missing = watches.filter((w) => !shown.includes(`|${w.title}>`));
    expect(missing).toEqual([]);
    expect(shown.match(/failing since/g)).toHaveLength(
      watches.filter((w) => w.status.state === 'failing').length,
    );
  });

  it('200 watches with long titles: every watch is listed, or the list says how many are not', () => {
    // Notion titles can be whole sentences; 400 characters is long but allowed.
    const watches = Array.from({ length: 200 }, (_, i) =>
      watch(i + 1, { title: `Page ${i + 1}: ${'very long meeting title '.repeat(16)}` }),
    );
    const message = watchListMessage(watches);
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    // Long titles are shortened in the list; each still starts with its own "Page N:".
    const listed = watches.filter((w) => shown.includes(`|${w.title?.slice(0, 12)}`)).length;
    const more = Number(/…and (\d+) more/.exec(shown)?.[1] ?? 0);
    // Each watch is either shown or counted: the header says 200, the reader must find 200.
    expect(listed + more).toBe(watches.length);
  });
});

describe('watch answer (`/notion-check watch …`)', () => {
  function run(resources: ResourceCheck[], token: Diagnosis = diagnosisOf('ok')): CheckRun {
    return checkRun({
      token: { integration: INTEGRATION, diagnosis: token },
      resources,
      durationMs: 900,
    });
  }

  it('posts in the channel who added what, what was already watched and what was not a link', () => {
    // Page 2 is titled although not shared: it was known before (a re-check of a watch).
    const added = [
      resource(1),
      resource(2, diagnosisOf('not_shared'), { type: 'page', title: 'Page 2' }),
    ];
    const existing = [resource(3)];
    const invalid: ResourceCheck = {
      input: 'not-a-link',
      type: 'unknown',
      inTrash: false,
      diagnosis: diagnosisOf('invalid_input'),
    };
    const message = watchResultMessage(
      { run: run([...added, ...existing, invalid]), added, existing },
      USER,
    );
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('in_channel');
    expect(message.text).toContain('2 new pages');
    const shown = visibleText(message.blocks);
    expect(shown).toContain(`<@${USER}> added 2 pages`);
    expect(shown).toContain('Page 1');
    expect(shown).toContain(DIAGNOSIS_TITLES.not_shared);
    expect(shown).toMatch(/Already watched:\n.*Page 3/);
    expect(shown).toMatch(/Not watched[^\n]*\n.*not-a-link/);
    expect(shown).not.toContain('Token:');
  });

  it('with nothing new says so, and names a broken token', () => {
    const existing = [resource(1, diagnosisOf('token_invalid'))];
    const message = watchResultMessage(
      { run: run(existing, diagnosisOf('token_invalid')), added: [], existing },
      USER,
    );
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).toContain('Nothing new to watch');
    expect(shown).toContain(`Token: ${DIAGNOSIS_TITLES.token_invalid}`);
    expect(JSON.stringify(message)).not.toContain(TOKEN);
  });

  it('20 pages at once stay within limits and are all listed', () => {
    const added = Array.from({ length: 20 }, (_, i) => resource(i + 1));
    const message = watchResultMessage({ run: run(added), added, existing: [] }, USER);
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    for (const r of added) expect(shown).toContain(`|${r.title}>`);
  });
});

describe('watch list with "watch all" and a named connection', () => {
  const ACME = { name: 'sync', integrationName: 'Acme Sync' };
  const all = (overrides: Partial<WatchAllSummary> = {}): WatchAllSummary => ({
    connection: 'sync',
    integrationName: 'Acme Sync',
    count: 1284,
    since: T0,
    addedBy: 'U0ADDER01',
    ...overrides,
  });

  it('existing callers (no options) keep working', () => {
    const message = watchListMessage([watch(1)]);
    assertBlockKitLimits(message);
    expect(visibleText(message.blocks)).toContain('*Watched in this channel (1):*');
  });

  it('names the connection and integration the list shows', () => {
    const message = watchListMessage([watch(1)], { connection: ACME });
    assertBlockKitLimits(message);
    expect(visibleText(message.blocks)).toContain('Connection `sync` · integration *Acme Sync*');
  });

  it('shows each watch-all subscription as one line with its count and who added it', () => {
    const message = watchListMessage([watch(1), watch(2)], {
      connection: ACME,
      all: [
        all(),
        all({ connection: 'reports', integrationName: undefined, count: 1, addedBy: USER }),
      ],
    });
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).toContain(
      'Everything *Acme Sync* can see (`sync`): 1,284 pages and databases — added by <@U0ADDER01>',
    );
    expect(shown).toContain(
      `Everything connection \`reports\` can see: 1 page or database — added by <@${USER}>`,
    );
    expect(shown.match(/Everything /g)).toHaveLength(2);
    expect(shown).toContain('*Pages watched one by one (2):*');
    expect(shown).toContain('/notion-check unwatch all');
    expect(message.text).toBe(
      'This channel watches everything Acme Sync and connection reports can see, and 2 pages',
    );
  });

  it('only a watch-all subscription: not "watches nothing"', () => {
    const message = watchListMessage([], { all: [all()] });
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).not.toContain('watches nothing');
    expect(shown).toContain('1,284 pages and databases');
    expect(shown).not.toContain('one by one');
    expect(shown).not.toContain('unwatch <link or ID>');
    expect(message.text).toBe('This channel watches everything Acme Sync can see');
  });

  it('nothing at all: mentions `watch all` too, and the connection when named', () => {
    const message = watchListMessage([], { connection: ACME, all: [] });
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).toContain('watches nothing yet');
    expect(shown).toContain('`/notion-check watch all`');
    expect(shown).toContain('Connection `sync` · integration *Acme Sync*');
  });

  it('hostile integration and connection names are escaped', () => {
    const hostile = `<!channel> R&D ${TOKEN} <https://evil.example|click>`;
    const message = watchListMessage([], {
      connection: { name: hostile, integrationName: hostile },
      all: [all({ connection: hostile, integrationName: hostile, addedBy: 'U0ADDER01' })],
    });
    assertBlockKitLimits(message);
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain(TOKEN);
    expect(json).not.toMatch(/R&D/);
  });

  it('200 watches and several subscriptions stay within limits', () => {
    const watches = Array.from({ length: 200 }, (_, i) => watch(i + 1));
    const subs = Array.from({ length: 5 }, (_, i) => all({ connection: `c${i}`, count: 10_000 }));
    const message = watchListMessage(watches, { connection: ACME, all: subs });
    assertBlockKitLimits(message);
    expect(visibleText(message.blocks).match(/Everything /g)).toHaveLength(5);
  });
});
