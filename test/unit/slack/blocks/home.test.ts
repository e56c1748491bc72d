/**
 * The App Home's words (src/slack/blocks/home.ts): the sections a viewer reads, the same state
 * emoji as `/notion-check list`, one square a day, the admin's form, what could not be looked
 * up, and — whatever the numbers and however long the titles — a view within Slack's limits
 * that says what it left out.
 */
import type { ConnectionOverview } from '../../../../src/domain/connection';
import { diagnosisOf } from '../../../../src/domain/diagnosis';
import type { DayState, Home } from '../../../../src/domain/home';
import { HOME_LIMITS, listed, stripKey } from '../../../../src/domain/home';
import type { WalkthroughRecord } from '../../../../src/domain/walkthrough';
import type { Watch } from '../../../../src/domain/watch';
import { ACTIONS, HOME_FORM } from '../../../../src/slack/blocks/actions';
import {
  buildHomeView,
  homeNoticeModal,
  STRIP_SQUARE,
  stripText,
} from '../../../../src/slack/blocks/home';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, visibleText } from '../../../support/blocks';
import { alert, CHANNEL, T0, USER, WALKTHROUGH_ID, watch } from '../../../support/fixtures';

function overview(name: string, overrides: Partial<ConnectionOverview> = {}): ConnectionOverview {
  return {
    name,
    source: 'slack',
    fingerprint: '…abcd',
    integrationName: 'Acme Sync',
    workspaceName: 'Acme',
    diagnosis: diagnosisOf('ok'),
    compromised: false,
    watches: { here: 0, total: 3 },
    watchingAllHere: false,
    usedHere: false,
    webhook: 'none',
    ...overrides,
  };
}

function walkthrough(overrides: Partial<WalkthroughRecord> = {}): WalkthroughRecord {
  return {
    id: WALKTHROUGH_ID,
    channelId: CHANNEL,
    reportTs: '1700000000.000100',
    messageTs: '1700000000.000200',
    report: {
      run: {
        connection: 'default',
        token: { diagnosis: diagnosisOf('ok') },
        resources: [],
        startedAt: T0,
        durationMs: 1,
      },
      userId: USER,
    },
    state: {
      id: WALKTHROUGH_ID,
      status: 'open',
      kind: 'not_shared',
      steps: [
        { id: 'verify_sharing', status: 'done', by: USER, at: T0 },
        { id: 're_add_integration', status: 'pending' },
        { id: 'test_connection', status: 'pending' },
      ],
      problems: [],
      fixed: [],
      targets: [],
      context: {},
      startedBy: USER,
      startedAt: T0,
    },
    ...overrides,
  };
}

function home(overrides: Partial<Home> = {}): Home {
  const watches = [
    watch(1, { title: 'Roadmap', status: { state: 'ok', since: T0 } }),
    watch(2, { title: 'Specs' }),
  ];
  return {
    viewer: USER,
    admin: false,
    connections: [overview('default')],
    channels: [{ channelId: CHANNEL, everything: [], watches }],
    strips: new Map([
      [
        stripKey('default', watches[0]?.resourceId ?? ''),
        [...Array(12).fill('none'), 'suspect', 'ok'] as DayState[],
      ],
    ]),
    alerts: {
      shown: [{ alert: alert(watches), link: 'https://x.slack.com/archives/C1/p1' }],
      more: 0,
    },
    walkthroughs: {
      shown: [{ walkthrough: walkthrough(), link: 'https://x.slack.com/archives/C1/p2' }],
      more: 0,
    },
    unknown: { membership: false, channels: false },
    now: T0,
    ...overrides,
  };
}

const textOf = (h: Home) => visibleText(buildHomeView(h).blocks);

describe('what a viewer reads', () => {
  it('the connections, the alert and walkthrough with their links, the watches with their strips', () => {
    const view = buildHomeView(home());
    assertBlockKitLimits(view);
    const text = visibleText(view.blocks);
    expect(text).toContain('(*Acme Sync*) in workspace *Acme* — token …abcd — works');
    expect(text).toContain('Notion access lost');
    expect(text).toContain('<https://x.slack.com/archives/C1/p1|Open the alert>');
    expect(text).toContain('step 2 of 3: Re-add the integration to the page');
    expect(text).toContain('<https://x.slack.com/archives/C1/p2|Open the walkthrough>');
    expect(text).toContain(`*<#${CHANNEL}>* — 2 watches: 1 failing`);
    expect(text).toContain(`${'⬜'.repeat(12)}🟨🟩 :white_check_mark:`);
    // A watch without a roll-up yet: not checked in 14 days.
    expect(text).toMatch(new RegExp(`${'⬜'.repeat(14)} :x: .*Specs.* · failing since`));
  });

  it('one square a day, each state its own', () => {
    const states: DayState[] = ['none', 'unsure', 'ok', 'suspect', 'failing'];
    expect(new Set(states.map((state) => STRIP_SQUARE[state])).size).toBe(5);
    expect(stripText(undefined)).toBe('⬜'.repeat(14));
    expect(stripText(['ok', 'failing'])).toBe('🟩🟥');
  });

  it('an alert not posted yet, and a message that is gone, are said so (no dead link)', () => {
    const text = textOf(
      home({
        alerts: {
          shown: [
            {
              alert: alert([], {
                id: 'a0000000000000001',
                ts: undefined,
                postedChannel: undefined,
              }),
            },
            { alert: alert([], { id: 'a0000000000000002' }) },
          ],
          more: 3,
        },
      }),
    );
    expect(text).toContain('_not posted yet_');
    expect(text).toContain('_its message was not found_');
    expect(text).toContain('…and 3 more open alerts');
    expect(text).toContain('Open alerts (5)');
  });

  it('nothing open, nothing watched: says so', () => {
    const text = textOf(
      home({ channels: [], alerts: listed([], 10), walkthroughs: listed([], 10) }),
    );
    expect(text).toContain('No open alerts in the channels you can see.');
    expect(text).toContain('No fix walkthrough is open in the channels you can see.');
    expect(text).toContain('No watches in the channels you can see.');
  });

  it('a failed lookup is said plainly', () => {
    const text = textOf(home({ unknown: { membership: true, channels: true } }));
    expect(text).toContain('Slack did not tell me which private channels you are in');
    expect(text).toContain('Slack did not tell me about some channels');
    expect(textOf(home())).not.toContain('did not tell me');
  });

  it('names each watch’s connection only when there are several', () => {
    const roadmap = (h: Home) =>
      textOf(h)
        .split('\n')
        .find((line) => line.includes('|Roadmap>'));
    expect(roadmap(home())).not.toContain('`default`');
    expect(roadmap(home({ connections: [overview('default'), overview('sync')] }))).toContain(
      ' · `default`',
    );
  });

  it('alerts and walkthroughs name the connection and its integration', () => {
    const text = textOf(home());
    expect(text).toContain('— <#C0CHANNEL> · `default` (*Roadmap Sync*) · since');
    expect(text).toContain('— <#C0CHANNEL> · `default` · step 2 of 3');
  });
});

describe('the admin form', () => {
  it('only for admins: a name field and the Add connection button', () => {
    expect(buttons(buildHomeView(home()).blocks)).toEqual([]);
    const view = buildHomeView(home({ admin: true }));
    const [add] = buttons(view.blocks);
    expect(add).toMatchObject({
      action_id: ACTIONS.homeAddConnection,
      text: { text: 'Add connection' },
    });
    const input = view.blocks.find((block) => block.type === 'input');
    expect(input).toMatchObject({
      block_id: HOME_FORM.blockId,
      element: { action_id: HOME_FORM.actionId },
    });
    expect(JSON.stringify(input)).not.toContain('initial_value');
  });

  it('suggests `default` while it has no token', () => {
    const view = buildHomeView(home({ admin: true, suggestedName: 'default' }));
    const input = view.blocks.find((block) => block.type === 'input');
    expect(input).toMatchObject({ element: { initial_value: 'default' } });
  });

  it('refusals come in a small modal', () => {
    const modal = homeNoticeModal('nope');
    assertBlockKitLimits(modal);
    expect(visibleText(modal.blocks)).toBe('nope');
  });
});

describe('within Slack’s limits, whatever the numbers', () => {
  /** Titles that grow the most when escaped, and the longest links linked. */
  const hostile = '&<>'.repeat(40);

  function many(channels: number, perChannel: number): Home['channels'] {
    return Array.from({ length: channels }, (_, c) => ({
      channelId: `C0${String(c).padStart(4, '0')}`,
      everything: Array.from({ length: 5 }, (_, e) => ({
        connection: `sync${e}`,
        integrationName: hostile,
        count: 1234,
        since: T0,
        addedBy: USER,
      })),
      watches: Array.from(
        { length: perChannel },
        (_, i): Watch =>
          watch(c * 1000 + i + 1, {
            channelId: `C0${String(c).padStart(4, '0')}`,
            title: hostile,
            url: `https://www.notion.so/${'x'.repeat(280)}`,
          }),
      ),
    }));
  }

  it.each([
    ['2,000 watches in 200 channels', 200, 10],
    ['200 watches in one channel', 1, 200],
    ['300 watches in 20 channels', 20, 15],
  ])('%s: ≤ 100 blocks, every text within limits, and what was cut is said', (_name, c, n) => {
    const view = buildHomeView(
      home({
        admin: true,
        connections: Array.from({ length: 40 }, (_, i) =>
          overview(`conn${i}`, { integrationName: hostile, workspaceName: hostile }),
        ),
        channels: many(c, n),
        alerts: {
          shown: Array.from({ length: HOME_LIMITS.alerts }, (_, i) => ({
            alert: alert([], {
              id: `a${String(i).padStart(16, '0')}`,
              scope: 'inventory',
              details: {
                watches: [],
                requestIds: [],
                integrationName: hostile,
                roots: [{ id: 'r', title: hostile, type: 'page', inside: 40, examples: [] }],
              },
            }),
            link: `https://x.slack.com/archives/C1/p${i}`,
          })),
          more: 290,
        },
        walkthroughs: {
          shown: Array.from({ length: HOME_LIMITS.walkthroughs }, () => ({
            walkthrough: walkthrough(),
            link: 'https://x.slack.com/archives/C1/p2',
          })),
          more: 90,
        },
      }),
    );
    assertBlockKitLimits(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = visibleText(view.blocks);
    expect(text).toContain('…and 20 more connections');
    expect(text).toContain('…and 290 more open alerts');
    expect(text).toContain('…and 90 more open walkthroughs');
    expect(text).toMatch(/…and [\d,]+ more watch(es)? in <#C0\d+>|…and [\d,]+ more channels? with/);
    // Nothing is cut silently: shown + counted = all.
    const shown = text.split('\n').filter((line) => line.includes(' :x: ')).length;
    const counted = [...text.matchAll(/…and ([\d,]+) more watch(?:es)? in/g)].reduce(
      (sum, match) => sum + Number(match[1]?.replace(',', '')),
      0,
    );
    const rest = /…and [\d,]+ more channels? with ([\d,]+) watch/.exec(text);
    expect(shown + counted + Number(rest?.[1]?.replace(',', '') ?? 0)).toBe(c * n);
  });
});
