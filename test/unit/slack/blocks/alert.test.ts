/**
 * The monitor's alert (open, acknowledged, snoozed, resolved, closed because unwatched). Every
 * payload stays within Block Kit's limits, shows only escaped, token-free text from Notion,
 * and carries opaque button values. The `list` and `watch` answers are in watches.test.ts.
 */
import type { Alert, AlertedRoot } from '../../../../src/domain/alert';
import type { Watch } from '../../../../src/domain/watch';
import { tokenFingerprint } from '../../../../src/security/tokens';
import { ACTIONS } from '../../../../src/slack/blocks/actions';
import { alertText, buildAlert, buildAlertBlocks } from '../../../../src/slack/blocks/alert';
import { DIAGNOSIS_TITLES } from '../../../../src/slack/blocks/copy';
import { LIMITS } from '../../../../src/slack/blocks/mrkdwn';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, visibleText } from '../../../support/blocks';
import {
  alert,
  fakeToken,
  HOUR,
  MINUTE,
  OTHER_USER,
  pageId,
  pageUrl,
  T0,
  watch,
} from '../../../support/fixtures';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = fakeToken();
const SLACK_TOKEN = ['xoxb', '1234567890', 'abcdefghijKLMN'].join('-');

const NOW = T0 + 2 * HOUR + 14 * MINUTE;
const OTHER = OTHER_USER;

/** Builds the message as the notifier sends it, and checks it against Slack's limits. */
function render(a: Alert, watches: Watch[], now = NOW) {
  const message = { text: alertText(a), blocks: buildAlertBlocks(a, watches, now) };
  assertBlockKitLimits(message);
  return message;
}

const ok = (index: number, overrides: Partial<Watch> = {}) =>
  watch(index, { status: { state: 'ok', since: T0 + HOUR }, ...overrides });

describe('open alert', () => {
  const watches = [watch(1), watch(2), watch(3)];

  it('offers Start fix, Acknowledge and Snooze, each carrying only the alert id', () => {
    const a = alert(watches);
    const { blocks } = render(a, watches);
    const found = buttons(blocks);
    const labels = found.map((b) => b.text.text);
    expect(labels).toHaveLength(3);
    expect(labels.some((label) => label.includes('Start'))).toBe(true);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(true);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(true);
    for (const b of found) expect(b.value).toBe(a.id);
    expect(found.map((b) => b.action_id).sort()).toEqual(
      [ACTIONS.alertStartFix, ACTIONS.alertAcknowledge, ACTIONS.alertSnooze].sort(),
    );
  });

  it('says access is lost, why, which pages, and since when', () => {
    const a = alert(watches);
    const { text, blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(text).toContain('access lost');
    expect(shown).toContain('Notion access lost');
    expect(shown).toContain('3 watched pages');
    expect(shown).toContain(DIAGNOSIS_TITLES.not_shared);
    for (const w of watches) {
      expect(shown).toContain(`<${w.url}|${w.title}>`);
    }
    expect(shown).toContain(`Failing since <!date^${T0 / 1000}^`);
    expect(shown).toContain('2 h 14 min');
  });

  it('shows the Notion request ids for support', () => {
    const { blocks } = render(alert(watches), watches);
    const shown = visibleText(blocks);
    expect(shown).toContain('req-aaa-111');
    expect(shown).toContain('req-bbb-222');
  });

  it('marks pages already working again, while others still fail', () => {
    const current = [ok(1), watch(2), watch(3)];
    const shown = visibleText(render(alert(watches), current).blocks);
    expect(shown).toContain(`:white_check_mark: <${current[0]?.url}|Roadmap page 1>`);
    expect(shown).toContain(`:x: <${current[1]?.url}|Roadmap page 2>`);
  });

  it('after acknowledgement: no Acknowledge button, and who is on it', () => {
    const a = alert(watches, { acknowledgedBy: OTHER, acknowledgedAt: T0 + HOUR });
    const { blocks } = render(a, watches);
    const labels = buttons(blocks).map((b) => b.text.text);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(false);
    expect(labels.some((label) => label.includes('Start'))).toBe(true);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(true);
    expect(visibleText(blocks)).toContain(`<@${OTHER}> is on it`);
  });

  it('while snoozed: no Snooze button, and until when, as a Slack date', () => {
    const until = NOW + 20 * HOUR;
    const a = alert(watches, { snoozedBy: OTHER, snoozedUntil: until });
    const { blocks } = render(a, watches);
    const labels = buttons(blocks).map((b) => b.text.text);
    expect(labels.some((label) => label.includes('Snooze'))).toBe(false);
    expect(labels.some((label) => label.includes('Acknowledge'))).toBe(true);
    const shown = visibleText(blocks);
    expect(shown).toContain(`until <!date^${Math.floor(until / 1000)}^`);
    expect(shown).toContain(`<@${OTHER}>`);
  });

  it('once the snooze has run out, Snooze is offered again and "until" is gone', () => {
    const a = alert(watches, { snoozedBy: OTHER, snoozedUntil: NOW - 1 });
    const { blocks } = render(a, watches);
    expect(buttons(blocks).some((b) => b.text.text.includes('Snooze'))).toBe(true);
    expect(visibleText(blocks)).not.toContain('until');
  });

  it('acknowledged and snoozed: only Start fix is left', () => {
    const a = alert(watches, {
      acknowledgedBy: OTHER,
      acknowledgedAt: T0 + HOUR,
      snoozedBy: OTHER,
      snoozedUntil: NOW + HOUR,
    });
    const labels = buttons(render(a, watches).blocks).map((b) => b.text.text);
    expect(labels).toHaveLength(1);
    expect(labels[0]).toContain('Start');
  });
});

describe('resolved alert', () => {
  const watches = [ok(1), ok(2)];

  it('has no buttons, says access is restored and after how long', () => {
    const a = alert(watches, { status: 'resolved', resolvedAt: T0 + 3 * HOUR + 5 * MINUTE });
    const { text, blocks } = render(a, watches);
    expect(buttons(blocks)).toEqual([]);
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
    const shown = visibleText(blocks);
    expect(shown).toContain('restored');
    expect(shown).toContain('3 h 5 min');
    expect(shown).not.toContain(':x:');
    expect(text).toContain('restored');
  });

  it('closed because its pages were unwatched: says "no longer watched", never "restored"', () => {
    const a = alert(watches, {
      status: 'resolved',
      resolvedAt: T0 + HOUR,
      details: { ...alert(watches).details, closedBecause: 'unwatched' },
    });
    const { text, blocks } = render(a, []);
    expect(buttons(blocks)).toEqual([]);
    const shown = visibleText(blocks);
    expect(shown).toContain('no longer watched');
    expect(shown).not.toMatch(/restored/i);
    // The fallback text (notifications, screen readers, chat.update text) must not claim it either.
    expect(text).not.toMatch(/restored/i);
  });
});

describe('connection-scope alert', () => {
  it('names the connection, the token fingerprint and how many pages are affected', () => {
    const watches = [watch(1), watch(2), watch(3), watch(4)];
    const a = alert(watches, {
      scope: 'connection',
      connection: 'marketing',
      kind: 'token_invalid',
      details: { ...alert(watches).details, fingerprint: tokenFingerprint(TOKEN) },
    });
    const { blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(shown).toContain('`marketing`');
    expect(shown).toContain(tokenFingerprint(TOKEN));
    expect(shown).toContain('4 watched pages affected');
    expect(shown).toContain(DIAGNOSIS_TITLES.token_invalid);
    expect(JSON.stringify(blocks)).not.toContain(TOKEN);
  });

  it('one page affected is singular', () => {
    const watches = [watch(1)];
    const a = alert(watches, { scope: 'connection', kind: 'token_invalid' });
    expect(visibleText(render(a, watches).blocks)).toContain('1 watched page affected');
  });
});

describe('an alert with 200 pages', () => {
  const watches = Array.from({ length: 200 }, (_, i) => watch(i + 1));

  it('stays within 50 blocks and says how many more pages are not listed', () => {
    for (const a of [
      alert(watches),
      alert(watches, { acknowledgedBy: OTHER, acknowledgedAt: NOW, snoozedBy: OTHER }),
      alert(watches, { status: 'resolved', resolvedAt: NOW }),
      alert(watches, { scope: 'connection', kind: 'token_invalid' }),
    ]) {
      const { blocks } = render(a, watches);
      expect(blocks.length).toBeLessThanOrEqual(50);
      const shown = visibleText(blocks);
      const listed = watches.filter((w) => shown.includes(`|${w.title}>`)).length;
      expect(listed).toBeGreaterThan(0);
      expect(shown).toContain(`…and ${200 - listed} more`);
    }
  });

  it('shows the page count in full', () => {
    expect(visibleText(render(alert(watches), watches).blocks)).toContain('200 watched pages');
  });
});

describe('text from Notion is escaped and token-free', () => {
  const hostile = `<!channel> R&D ${TOKEN} <https://evil.example|click> ${SLACK_TOKEN}`;
  const watches = [watch(1, { title: hostile }), watch(2, { title: undefined })];

  // The alert's title is its diagnosis (our words); what Notion controls is each page's title.
  it.each([
    ['open', {}],
    ['resolved', { status: 'resolved' as const, resolvedAt: NOW }],
    ['connection scope', { scope: 'connection' as const, connection: `ops<!here>&${TOKEN}` }],
  ])('%s alert: no mention, no raw markup, no token', (_name, overrides) => {
    const { blocks } = render(alert(watches, overrides), watches);
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(SLACK_TOKEN);
    expect(json).not.toMatch(/ntn_\d{6}/);
    expect(json).not.toMatch(/R&D/);
    const shown = visibleText(blocks);
    expect(shown).toContain('&lt;!channel&gt; R&amp;D');
    expect(shown).toContain('[redacted]');
  });

  it('closed-because-unwatched alert: the old title is escaped too', () => {
    const a = alert(watches, { status: 'resolved', resolvedAt: NOW });
    const closed = { ...a, details: { ...a.details, closedBecause: 'unwatched' as const } };
    const json = JSON.stringify(render(closed, []).blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(TOKEN);
  });
});

// ---- "watch all" alerts (scope 'inventory'): the roots of a loss -------------------------

const ROADMAP_URL = pageUrl(100, 'Roadmap');

/** A root: `inside` lost pages below it, the first few of them as examples. */
function root(index: number, inside: number, overrides: Partial<AlertedRoot> = {}): AlertedRoot {
  return {
    id: pageId(index),
    title: `Root ${index}`,
    url: pageUrl(index, 'Root'),
    type: 'page',
    inside,
    examples: Array.from({ length: Math.min(inside, 5) }, (_, i) => ({
      id: pageId(index * 1000 + i + 1),
      title: `Page ${index}.${i + 1}`,
      url: pageUrl(index * 1000 + i + 1, 'Page'),
    })),
    ...overrides,
  };
}

const ROADMAP = root(100, 41, { title: 'Roadmap', url: ROADMAP_URL });

/** An open inventory alert of connection `sync` (integration Acme Sync) with these roots. */
function lossAlert(roots: AlertedRoot[], overrides: Partial<Alert> = {}, more?: [number, number]) {
  const base = alert([], { scope: 'inventory', connection: 'sync' });
  const items = roots.flatMap((r) => [
    r.id,
    ...Array.from({ length: r.inside }, (_, i) => `${r.id}-${i}`),
  ]);
  return {
    ...base,
    ...overrides,
    details: {
      ...base.details,
      integrationName: 'Acme Sync',
      roots,
      items,
      ...(more ? { moreRoots: more[0], morePages: more[1] } : {}),
      ...overrides.details,
    },
  };
}

describe('"watch all" alert: one root', () => {
  it('names the integration, the root and how many pages inside it, and what probably happened', () => {
    const { text, blocks } = render(lossAlert([ROADMAP]), []);
    const shown = visibleText(blocks);
    expect(shown).toContain(
      `*Acme Sync* lost access to 42 pages: <${ROADMAP_URL}|Roadmap> and 41 pages inside it. Someone probably removed the connection from <${ROADMAP_URL}|Roadmap>, or moved it out of a shared page.`,
    );
    // A few of the pages inside, and how many more.
    expect(shown).toMatch(
      /Inside it: <[^|]+\|Page 100\.1>, <[^|]+\|Page 100\.2>, <[^|]+\|Page 100\.3> and 38 more/,
    );
    expect(shown).not.toContain('Page 100.4');
    expect(text).toBe(
      'Notion access lost: Acme Sync lost access to 42 pages (Roadmap and 41 pages inside it)',
    );
  });

  it('keeps the buttons of every alert: Start fix, Acknowledge, Snooze, carrying the alert id', () => {
    const a = lossAlert([ROADMAP]);
    const found = buttons(render(a, []).blocks);
    expect(found.map((b) => b.text.text)).toEqual(['Start fix', 'Acknowledge', 'Snooze 24 h']);
    expect(found.map((b) => b.action_id)).toEqual([
      ACTIONS.alertStartFix,
      ACTIONS.alertAcknowledge,
      ACTIONS.alertSnooze,
    ]);
    for (const b of found) expect(b.value).toBe(a.id);
  });

  it('acknowledged and snoozed like any alert', () => {
    const a = lossAlert([ROADMAP], {
      acknowledgedBy: OTHER,
      acknowledgedAt: T0 + HOUR,
      snoozedBy: OTHER,
      snoozedUntil: NOW + HOUR,
    });
    const { blocks } = render(a, []);
    expect(buttons(blocks).map((b) => b.text.text)).toEqual(['Start fix']);
    expect(visibleText(blocks)).toContain(`<@${OTHER}> is on it`);
    expect(visibleText(blocks)).toContain('Reminders snoozed');
  });

  it('a root lost alone is just the root, and one page is singular', () => {
    const lone = root(7, 0, { title: 'Budget', url: undefined });
    const { text, blocks } = render(lossAlert([lone]), []);
    const shown = visibleText(blocks);
    expect(shown).toContain('*Acme Sync* lost access to 1 page: *Budget*. Someone probably');
    expect(shown).not.toContain('inside it');
    expect(shown).not.toContain('Inside it');
    expect(text).toBe('Notion access lost: Acme Sync lost access to 1 page (Budget)');
  });

  it('one page inside is singular too', () => {
    const shown = visibleText(render(lossAlert([root(8, 1, { title: 'Specs' })]), []).blocks);
    expect(shown).toContain('lost access to 2 pages: <');
    expect(shown).toContain('|Specs> and 1 page inside it.');
  });

  it('a database root says so', () => {
    const tasks = root(9, 12, { title: 'Tasks', type: 'database' });
    expect(visibleText(render(lossAlert([tasks]), []).blocks)).toContain(
      '|Tasks> (database) and 12 pages inside it',
    );
  });

  it('without an integration name, names the connection', () => {
    const a = lossAlert([ROADMAP], {
      details: { ...lossAlert([ROADMAP]).details, integrationName: undefined },
    });
    const { text, blocks } = render(a, []);
    expect(visibleText(blocks)).toContain('connection `sync` lost access to 42 pages');
    expect(text).toContain('connection sync lost access to 42 pages');
  });

  it('names the connection and its integration, since when, and the request ids', () => {
    const shown = visibleText(render(lossAlert([ROADMAP]), []).blocks);
    expect(shown).toContain('Connection `sync` · integration *Acme Sync*');
    expect(shown).toContain(`Failing since <!date^${T0 / 1000}^`);
    expect(shown).toContain('req-aaa-111');
  });

  it('thousands are written with separators', () => {
    const big = root(10, 1283, { title: 'Wiki' });
    const { text, blocks } = render(lossAlert([big]), []);
    expect(visibleText(blocks)).toContain('lost access to 1,284 pages');
    expect(visibleText(blocks)).toContain('and 1,283 pages inside it');
    expect(visibleText(blocks)).toContain('and 1,280 more');
    expect(text).toContain('1,284 pages');
  });
});

describe('"watch all" alert: several roots', () => {
  const roots = [ROADMAP, root(2, 9, { title: 'Specs' }), root(3, 0, { title: 'Budget' })];

  it('lists each root with its count and a few pages inside, then the counted rest', () => {
    const { text, blocks } = render(lossAlert(roots, {}, [12, 340]), []);
    const shown = visibleText(blocks);
    // 42 + 10 + 1 shown, 340 in the roots not shown.
    expect(shown).toContain('*Acme Sync* lost access to 393 pages:');
    expect(shown).toContain(`:x: <${ROADMAP_URL}|Roadmap> and 41 pages inside it — e.g. <`);
    expect(shown).toMatch(
      /:x: <[^|]+\|Specs> and 9 pages inside it — e\.g\. .*Page 2\.3> and 6 more/,
    );
    expect(shown).toMatch(/:x: <[^|]+\|Budget>\n/);
    expect(shown).toContain('…and 12 more roots (340 pages)');
    expect(shown).toContain(
      'Someone probably removed the connection from these pages, or moved them out of a shared page.',
    );
    expect(text).toBe(
      'Notion access lost: Acme Sync lost access to 393 pages (Roadmap and 41 pages inside it, and 14 more roots)',
    );
  });

  it('one more root is singular', () => {
    const shown = visibleText(render(lossAlert([ROADMAP], {}, [1, 1]), []).blocks);
    expect(shown).toContain('…and 1 more root (1 page)');
    expect(shown).toContain('lost access to 43 pages:');
  });
});

describe('"watch all" alert: trash', () => {
  const trashed = root(100, 11, { title: 'Roadmap', url: ROADMAP_URL });

  it('says the pages are in trash and how to restore them, never "removed the connection"', () => {
    const { text, blocks } = render(lossAlert([trashed], { kind: 'in_trash' }), []);
    const shown = visibleText(blocks);
    expect(shown).toContain(
      `12 pages *Acme Sync* could see are in Notion's trash: <${ROADMAP_URL}|Roadmap> and 11 pages inside it — restore them from *Trash* in Notion's sidebar: restoring <${ROADMAP_URL}|Roadmap> brings back the pages inside it.`,
    );
    expect(shown).not.toContain('removed the connection');
    expect(text).toBe(
      "Notion access lost: 12 pages Acme Sync could see are in Notion's trash (Roadmap and 11 pages inside it)",
    );
  });

  it('one page in trash is singular', () => {
    const lone = root(5, 0, { title: 'Budget' });
    const shown = visibleText(render(lossAlert([lone], { kind: 'in_trash' }), []).blocks);
    expect(shown).toMatch(
      /1 page \*Acme Sync\* could see is in Notion's trash: <[^|]+\|Budget> — restore it from \*Trash\*/,
    );
  });

  it('who moved it, when Notion says, as plain escaped text', () => {
    const by = '<@U0EVIL> *Mallory* <!channel>';
    const a = lossAlert([trashed], { kind: 'in_trash' });
    a.details = { ...a.details, trashedBy: by };
    const { blocks } = render(a, []);
    const shown = visibleText(blocks);
    expect(shown).toContain(
      'Notion says it was moved to trash by &lt;@U0EVIL&gt; ∗Mallory∗ &lt;!channel&gt;.',
    );
    expect(JSON.stringify(blocks)).not.toContain('<@U0EVIL>');
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
  });

  it('several roots in trash: each listed, "they were moved"', () => {
    const a = lossAlert([trashed, root(2, 3)], { kind: 'in_trash' }, [2, 5]);
    a.details = { ...a.details, trashedBy: 'Mallory Jones' };
    const shown = visibleText(render(a, []).blocks);
    expect(shown).toContain("21 pages *Acme Sync* could see are in Notion's trash:");
    expect(shown).toContain(`:wastebasket: <${ROADMAP_URL}|Roadmap> and 11 pages inside it`);
    expect(shown).toContain('…and 2 more roots (5 pages)');
    expect(shown).toContain('Restore them from *Trash*');
    expect(shown).toContain('Notion says they were moved to trash by Mallory Jones.');
  });
});

describe('"watch all" alert: resolved and closed', () => {
  it('resolved: no buttons, restored after how long, the roots back', () => {
    const a = lossAlert([ROADMAP], { status: 'resolved', resolvedAt: T0 + 3 * HOUR + 5 * MINUTE });
    const { text, blocks } = render(a, []);
    expect(buttons(blocks)).toEqual([]);
    const shown = visibleText(blocks);
    expect(shown).toContain(
      '*Notion access restored* after 3 h 5 min: *Acme Sync* can see the 42 pages again.',
    );
    expect(shown).toContain(`:white_check_mark: <${ROADMAP_URL}|Roadmap> and 41 pages inside it`);
    expect(shown).toContain('Connection `sync` · integration *Acme Sync*');
    expect(text).toBe('Notion access restored: Acme Sync can see the 42 pages again');
  });

  it('closed because "unwatch all": no longer watched, never restored', () => {
    const a = lossAlert([ROADMAP], { status: 'resolved', resolvedAt: NOW });
    a.details = { ...a.details, closedBecause: 'unwatched' };
    const { text, blocks } = render(a, []);
    expect(buttons(blocks)).toEqual([]);
    expect(visibleText(blocks)).toContain(
      '*Alert closed*: 42 pages no longer watched in this channel.',
    );
    expect(visibleText(blocks)).not.toMatch(/restored/i);
    expect(text).not.toMatch(/restored/i);
  });
});

describe('closed because the connection was removed (`disconnect`), for every scope', () => {
  it.each([
    ['inventory', lossAlert([ROADMAP])],
    ['resources', alert([watch(1)], { connection: 'sync' })],
    [
      'connection',
      alert([watch(1)], { connection: 'sync', scope: 'connection', kind: 'token_invalid' }),
    ],
  ])('%s', (_scope, open) => {
    const a = { ...open, status: 'resolved' as const, resolvedAt: NOW };
    a.details = { ...a.details, closedBecause: 'disconnected' };
    const { text, blocks } = render(a, []);
    expect(buttons(blocks)).toEqual([]);
    const shown = visibleText(blocks);
    expect(shown).toContain('*Alert closed*: connection `sync` was removed');
    expect(shown).not.toMatch(/restored|no longer watched/i);
    expect(text).toBe('Alert closed: connection sync was removed');
  });
});

describe('every alert names its connection and integration', () => {
  it.each([
    ['open', alert([watch(1)])],
    ['resolved', alert([watch(1)], { status: 'resolved', resolvedAt: NOW })],
    ['connection scope', alert([watch(1)], { scope: 'connection', kind: 'token_invalid' })],
    ['inventory', lossAlert([ROADMAP], { connection: 'default' })],
  ])('%s', (_name, a) => {
    const integration = a.details.integrationName;
    expect(visibleText(render(a, [watch(1)]).blocks)).toContain(
      `Connection \`default\` · integration *${integration}*`,
    );
  });

  it('without an integration name, the connection alone', () => {
    const a = alert([watch(1)], {
      details: { ...alert([watch(1)]).details, integrationName: undefined },
    });
    const shown = visibleText(render(a, [watch(1)]).blocks);
    expect(shown).toContain('Connection `default`');
    expect(shown).not.toContain('integration *');
  });
});

describe('a loss of 10,000 pages in 500 roots stays within Block Kit limits', () => {
  // 500 roots of 20 pages (the root and 19 inside): 10,000 pages, long titles and links.
  const long = 'Quarterly planning, decisions and follow-ups '.repeat(6);
  const roots = Array.from({ length: 500 }, (_, i) =>
    root(i + 1, 19, {
      title: `${i + 1}. ${long}`,
      examples: Array.from({ length: 5 }, (_, k) => ({
        id: pageId(100_000 + i * 5 + k),
        title: `${long} page ${k}`,
        url: `https://www.notion.so/acme/${'x'.repeat(200)}-${pageId(100_000 + i * 5 + k)}`,
      })),
    }),
  );

  it.each([
    ['open', {}],
    [
      'trash',
      {
        kind: 'in_trash' as const,
        details: { ...lossAlert(roots).details, trashedBy: long.repeat(20) },
      },
    ],
    ['acknowledged', { acknowledgedBy: OTHER, acknowledgedAt: NOW }],
    ['resolved', { status: 'resolved' as const, resolvedAt: NOW }],
  ])('%s: within 50 blocks, every page counted', (_name, overrides) => {
    const a = lossAlert(roots, overrides);
    expect(a.details.items?.length).toBe(10_000);
    const message = buildAlert(a, [], NOW, { from: 'C0OTHER01', error: 'not_in_channel' });
    assertBlockKitLimits(message);
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    const shown = visibleText(message.blocks);
    expect(shown).toContain('10,000 pages');
    const named = roots.filter((_r, i) => shown.includes(`|${i + 1}. Quarterly`)).length;
    expect(named).toBeGreaterThan(0);
    const more = roots.length - named;
    // Every root is named or counted, with the pages in those not named.
    expect(shown).toContain(
      `…and ${more} more roots (${(more * 20).toLocaleString('en-US')} pages)`,
    );
  });

  it('the shown roots plus more from the monitor add up', () => {
    const a = lossAlert(roots.slice(0, 3), {}, [497, 9_940]);
    const shown = visibleText(render(a, []).blocks);
    expect(shown).toContain('lost access to 10,000 pages');
    expect(shown).toContain('…and 497 more roots (9,940 pages)');
  });
});

describe('"watch all" alert: text from Notion is escaped and token-free', () => {
  const hostile = `<!channel> R&D ${TOKEN} <https://evil.example|click> *bold* \`code\` :x: ${SLACK_TOKEN}`;
  const roots = [
    root(1, 3, {
      title: hostile,
      examples: [{ id: pageId(2), title: hostile, url: 'https://evil.example/look|alike' }],
    }),
    root(3, 0, { title: '', url: undefined }),
  ];

  it.each([
    ['open', {}],
    ['trash', { kind: 'in_trash' as const }],
    ['resolved', { status: 'resolved' as const, resolvedAt: NOW }],
  ])('%s: no mention, no raw markup, no token', (_name, overrides) => {
    const base = lossAlert(roots, overrides);
    const a = {
      ...base,
      connection: `ops<!here>`,
      details: { ...base.details, integrationName: `<!here> *Sync* ${TOKEN}`, trashedBy: hostile },
    };
    const message = render(a, []);
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain('evil.example/look|alike');
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(SLACK_TOKEN);
    expect(json).not.toMatch(/R&D/);
    expect(json).not.toContain('*bold*');
    const shown = visibleText(message.blocks);
    expect(shown).toContain('&lt;!channel&gt; R&amp;D');
    expect(shown).toContain('[redacted]');
    // An untitled page reads as Notion shows it.
    expect(shown).toContain('*Untitled*');
  });
});
