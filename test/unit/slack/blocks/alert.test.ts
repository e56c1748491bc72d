/**
 * The monitor's Slack messages: the alert (open, acknowledged, snoozed, resolved, closed because
 * unwatched), the `list` answer and the `watch` answer. Every payload stays within Block Kit's
 * limits, shows only escaped, token-free text from Notion, and carries opaque button values.
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { IntegrationInfo, ResourceCheck } from '../../src/notion/check';
import { type Diagnosis, diagnosis } from '../../src/notion/diagnose';
import { tokenFingerprint } from '../../src/security/tokens';
import type { CheckRun } from '../../src/services/checks';
import {
  ALERT_ACTIONS,
  alertText,
  buildAlertBlocks,
  slackDate,
} from '../../src/slack/blocks/alert';
import { watchListMessage, watchResultMessage } from '../../src/slack/blocks/watches';
import type { Alert, Watch } from '../../src/store/monitorRepo';
import { assertBlockKitLimits } from '../support/blockKitLimits';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = `ntn_${'3'.repeat(11)}${'x'.repeat(31)}abcd`;
const SLACK_TOKEN = ['xoxb', '1234567890', 'abcdefghijKLMN'].join('-');

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = T0 + 2 * HOUR + 14 * MIN;
const USER = 'U0ALICE01';
const OTHER = 'U0BOB0002';

function pageId(index: number): string {
  return index.toString(16).padStart(32, '0');
}

function watch(index: number, overrides: Partial<Watch> = {}): Watch {
  const id = pageId(index);
  return {
    id: index,
    channelId: 'C0CHANNEL',
    connection: 'default',
    resourceId: id,
    resourceType: 'page',
    title: `Roadmap page ${index}`,
    url: `https://www.notion.so/acme/Roadmap-page-${id}`,
    addedBy: USER,
    addedAt: T0 - 10 * HOUR,
    state: 'failing',
    stateSince: T0,
    kind: 'not_shared',
    requestId: `req-${index}`,
    lastCheckedAt: NOW - 5 * MIN,
    lastKind: 'not_shared',
    ...overrides,
  };
}

function alert(watches: Watch[], overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a0123456789abcdef',
    channelId: 'C0CHANNEL',
    postedChannel: 'C0CHANNEL',
    ts: '1700000000.000100',
    connection: 'default',
    scope: 'resources',
    kind: 'not_shared',
    status: 'open',
    openedAt: T0 + 15 * MIN,
    failingSince: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    lastReminderAt: null,
    resolvedAt: null,
    details: {
      title: diagnosis('not_shared').title,
      watches: watches.map((w) => ({
        id: w.id,
        title: w.title ?? w.resourceId,
        url: w.url,
        resourceId: w.resourceId,
      })),
      requestIds: ['req-aaa-111', 'req-bbb-222'],
      integrationName: 'Roadmap Sync',
      fingerprint: tokenFingerprint(TOKEN),
    },
    ...overrides,
  };
}

/** Builds the message as the notifier sends it, and checks it against Slack's limits. */
function render(a: Alert, watches: Watch[], now = NOW) {
  const message = { text: alertText(a), blocks: buildAlertBlocks(a, watches, now) };
  assertBlockKitLimits(message);
  return message;
}

function buttons(blocks: KnownBlock[]): Button[] {
  return blocks
    .filter((block): block is ActionsBlock => block.type === 'actions')
    .flatMap((block) => block.elements)
    .filter((element): element is Button => element.type === 'button');
}

/** Every bit of text a reader sees in the blocks. */
function visibleText(blocks: KnownBlock[]): string {
  const texts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'section' && block.text) texts.push(block.text.text);
    if (block.type === 'context') {
      for (const element of block.elements) if ('text' in element) texts.push(element.text);
    }
    if (block.type === 'actions') {
      for (const element of block.elements) {
        if (element.type === 'button') texts.push(element.text.text);
      }
    }
  }
  return texts.join('\n');
}

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
      [ALERT_ACTIONS.startFix, ALERT_ACTIONS.acknowledge, ALERT_ACTIONS.snooze].sort(),
    );
  });

  it('says access is lost, why, which pages, and since when', () => {
    const a = alert(watches);
    const { text, blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(text).toContain('access lost');
    expect(shown).toContain('Notion access lost');
    expect(shown).toContain('3 watched pages');
    expect(shown).toContain(diagnosis('not_shared').title);
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
    const current = [watch(1, { state: 'ok' }), watch(2), watch(3)];
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

  it('a Slack date token falls back to a readable ISO date', () => {
    expect(slackDate(T0)).toBe(
      `<!date^${T0 / 1000}^{date_short_pretty} at {time}|${new Date(T0).toISOString()}>`,
    );
  });
});

describe('resolved alert', () => {
  const watches = [watch(1, { state: 'ok' }), watch(2, { state: 'ok' })];

  it('has no buttons, says access is restored and after how long', () => {
    const a = alert(watches, { status: 'resolved', resolvedAt: T0 + 3 * HOUR + 5 * MIN });
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
      details: { ...alert(watches).details, title: diagnosis('token_invalid').title },
    });
    const { blocks } = render(a, watches);
    const shown = visibleText(blocks);
    expect(shown).toContain('`marketing`');
    expect(shown).toContain(tokenFingerprint(TOKEN));
    expect(shown).toContain('4 watched pages affected');
    expect(shown).toContain(diagnosis('token_invalid').title);
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
  const watches = [watch(1, { title: hostile }), watch(2, { title: null })];

  function hostileAlert(overrides: Partial<Alert> = {}): Alert {
    const base = alert(watches, overrides);
    return { ...base, details: { ...base.details, title: hostile } };
  }

  it.each([
    ['open', {}],
    ['resolved', { status: 'resolved' as const, resolvedAt: NOW }],
    ['connection scope', { scope: 'connection' as const, connection: `ops<!here>&${TOKEN}` }],
  ])('%s alert: no mention, no raw markup, no token', (_name, overrides) => {
    const { blocks } = render(hostileAlert(overrides), watches);
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
    const a = hostileAlert({ status: 'resolved', resolvedAt: NOW });
    const closed = { ...a, details: { ...a.details, closedBecause: 'unwatched' as const } };
    const json = JSON.stringify(render(closed, []).blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(TOKEN);
  });

  it('the watch list escapes titles the same way', () => {
    const message = watchListMessage(watches);
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
      watch(1, { state: 'ok', kind: null, addedBy: 'U0OKUSER1' }),
      watch(2, { state: 'suspect', addedBy: 'U0SUSPECT' }),
      watch(3, { state: 'failing', stateSince: T0 + 7 * MIN, addedBy: 'U0FAILING' }),
      watch(4, { state: 'ok', title: null, url: null, lastCheckedAt: null, addedBy: USER }),
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
    expect(failing).toContain(`failing since <!date^${Math.floor((T0 + 7 * MIN) / 1000)}^`);
    expect(failing).toContain('<@U0FAILING>');

    // No title: the page ID stands in; never checked yet says so.
    expect(untitled).toContain(`*${pageId(4)}*`);
    expect(untitled).toContain('not checked yet');
    expect(untitled).toContain(`<@${USER}>`);
  });

  it('200 watches stay within limits and every one of them is listed', () => {
    const watches = Array.from({ length: 200 }, (_, i) =>
      watch(i + 1, {
        state: (['ok', 'suspect', 'failing'] as const)[i % 3],
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
      watches.filter((w) => w.state === 'failing').length,
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
  const INTEGRATION: IntegrationInfo = {
    id: 'bot-1',
    name: 'Roadmap Sync',
    workspaceName: 'Acme',
    ownerType: 'workspace',
  };

  function resource(index: number, result: Diagnosis = diagnosis('ok')): ResourceCheck {
    const id = pageId(index);
    return {
      input: `https://www.notion.so/acme/Page-${id}`,
      id,
      type: 'page',
      title: `Page number ${index}`,
      url: `https://www.notion.so/acme/Page-${id}`,
      inTrash: false,
      diagnosis: result,
    };
  }

  function run(resources: ResourceCheck[], token: Diagnosis = diagnosis('ok')): CheckRun {
    return {
      connection: 'default',
      fingerprint: tokenFingerprint(TOKEN),
      integration: INTEGRATION,
      token: { integration: INTEGRATION, diagnosis: token },
      resources,
      startedAt: T0,
      durationMs: 900,
    };
  }

  it('posts in the channel who added what, what was already watched and what was not a link', () => {
    const added = [resource(1), resource(2, diagnosis('not_shared'))];
    const existing = [resource(3)];
    const invalid: ResourceCheck = {
      input: 'not-a-link',
      type: 'unknown',
      inTrash: false,
      diagnosis: diagnosis('invalid_input'),
    };
    const message = watchResultMessage(
      { kind: 'checked', run: run([...added, ...existing, invalid]), added, existing },
      USER,
    );
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('in_channel');
    expect(message.text).toContain('2 new pages');
    const shown = visibleText(message.blocks);
    expect(shown).toContain(`<@${USER}> added 2 pages`);
    expect(shown).toContain('Page number 1');
    expect(shown).toContain(diagnosis('not_shared').title);
    expect(shown).toMatch(/Already watched:\n.*Page number 3/);
    expect(shown).toMatch(/Not watched[^\n]*\n.*not-a-link/);
    expect(shown).not.toContain('Token:');
  });

  it('with nothing new says so, and names a broken token', () => {
    const existing = [resource(1, diagnosis('token_invalid'))];
    const message = watchResultMessage(
      {
        kind: 'checked',
        run: run(existing, diagnosis('token_invalid')),
        added: [],
        existing,
      },
      USER,
    );
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    expect(shown).toContain('Nothing new to watch');
    expect(shown).toContain(`Token: ${diagnosis('token_invalid').title}`);
    expect(JSON.stringify(message)).not.toContain(TOKEN);
  });

  it('20 pages at once stay within limits and are all listed', () => {
    const added = Array.from({ length: 20 }, (_, i) => resource(i + 1));
    const message = watchResultMessage(
      { kind: 'checked', run: run(added), added, existing: [] },
      USER,
    );
    assertBlockKitLimits(message);
    const shown = visibleText(message.blocks);
    for (const r of added) expect(shown).toContain(`${r.title}`);
  });
});
