/**
 * Reading what 0.1 stored (src/store/legacy.ts). 0.1 kept each affected page of a walkthrough
 * problem as a ready-made Slack label (what `resourceLabel` renders) and the one page of a
 * problem as context.resourceTitle/resourceUrl; 0.2 keeps references as data and renders them
 * at the Slack edge. The upgrade must not change a word of what people see:
 *   refFromLabel: for every label resourceLabel can produce, the label of the parsed reference is
 *     the original label (checked on generated references, titles full of <, > and &);
 *   upgradeWalkthroughState: a 0.1 walkthrough renders with the same affected labels, the same
 *     page in its steps, and keeps working (a re-test after the upgrade).
 * SQLite only: 0.1 wrote SQLite files alone, and SQLite's migration 5 runs this upgrade on them
 * (db.test.ts opens such a file); a PostgreSQL database starts at today's shapes. These are pure
 * functions: no store is opened here.
 */
import fc from 'fast-check';
import type { ResourceRef, ResourceType } from '../../../src/domain/check';
import { applyEvent, type Walkthrough } from '../../../src/domain/walkthrough';
import { DIAGNOSIS_TITLES } from '../../../src/slack/blocks/copy';
import { escapeMrkdwn } from '../../../src/slack/blocks/mrkdwn';
import { resourceLabel } from '../../../src/slack/blocks/resource';
import { stepInstructions } from '../../../src/slack/blocks/steps';
import {
  buildEscalationBlocks,
  buildWalkthroughBlocks,
} from '../../../src/slack/blocks/walkthrough';
import { refFromLabel, upgradeWalkthroughState } from '../../../src/store/legacy';
import { visibleTexts } from '../../support/blocks';
import { MINUTE, OTHER_USER, pageId, T0, USER } from '../../support/fixtures';

/** The label of the reference a label reads back as. */
const relabel = (label: string) => resourceLabel(refFromLabel(label));

// ---- generators ----------------------------------------------------------------------------

const chars = (set: string) => fc.constantFrom(...set.split(''));
const HEX = chars('0123456789abcdef');
const ALNUM = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const hexId = fc.string({ unit: HEX, minLength: 32, maxLength: 32 });

/** Text as Notion titles and pasted input come: markup characters, entities, look-alikes. */
const piece = fc.oneof(
  { weight: 4, arbitrary: ALNUM },
  { weight: 4, arbitrary: chars('<>&|*`_~ ()"\'\n…üé—') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '&amp;',
      '&lt;',
      '&gt;',
      '<!channel>',
      '<https://evil.example|x>',
      ' (page)',
      '* (database)',
      '> (data source)',
      '`',
      '**',
    ),
  },
  // A token pasted into a title is redacted in the label; the label must still round-trip.
  {
    weight: 1,
    arbitrary: fc.string({ unit: ALNUM, minLength: 8, maxLength: 20 }).map((a) => `ntn_${a}`),
  },
);
/** Notion never gives an empty title (notion/check.ts says "Untitled"). */
const title = fc.string({ unit: piece, minLength: 1, maxLength: 12 });
const slug = fc.string({ unit: ALNUM, minLength: 1, maxLength: 12 });
const notionUrl = fc.tuple(slug, hexId).map(([s, id]) => `https://www.notion.so/acme/${s}-${id}`);
/** URLs mrkdwnLink refuses to link: the label is then bold. */
const unlinkable = fc.oneof(
  hexId.map((id) => `http://www.notion.so/${id}`),
  hexId.map((id) => `https://www.notion.so/a b-${id}`),
  hexId.map((id) => `https://www.notion.so/a|b-${id}`),
  fc.constant('javascript:alert(1)'),
);
const url = fc.oneof(notionUrl, unlinkable);
const type = fc.constantFrom<ResourceType>('page', 'database', 'data_source', 'unknown');
const input = fc.oneof(notionUrl, hexId, unlinkable, fc.string({ unit: piece, maxLength: 60 }));

const ref: fc.Arbitrary<ResourceRef> = fc.record(
  {
    input,
    id: hexId,
    type,
    title,
    url,
  },
  { requiredKeys: ['input', 'type'] },
);

// ---- refFromLabel ----------------------------------------------------------------------------

describe('refFromLabel: every label resourceLabel renders reads back to the same label', () => {
  it.each<[string, ResourceRef]>([
    ['typed text (no Notion id in it)', { input: 'not a <link> & more', type: 'unknown' }],
    [
      'a linked title with its type',
      {
        input: `https://www.notion.so/acme/Roadmap-${pageId(1)}`,
        id: pageId(1),
        type: 'page',
        title: 'Roadmap <Q3> & beyond',
        url: `https://www.notion.so/acme/Roadmap-${pageId(1)}`,
      },
    ],
    [
      'a bold title (no safe link) with its type',
      { input: pageId(2), id: pageId(2), type: 'database', title: 'Budget & Co' },
    ],
    [
      'a data source',
      {
        input: pageId(3),
        id: pageId(3),
        type: 'data_source',
        title: 'Tasks',
        url: `https://www.notion.so/${pageId(3)}`,
      },
    ],
    [
      'an unreadable page: its id, linked to what was typed',
      { input: `https://www.notion.so/acme/X-${pageId(4)}`, id: pageId(4), type: 'unknown' },
    ],
    ['an unreadable id typed bare: bold id', { input: pageId(5), id: pageId(5), type: 'unknown' }],
    ['typed text longer than 100 characters', { input: `${'<&>'.repeat(50)}`, type: 'unknown' }],
  ])('%s', (_shape, original) => {
    const label = resourceLabel(original);
    expect(relabel(label)).toBe(label);
  });

  it('reads the documented shapes into references', () => {
    expect(refFromLabel('`typed &lt;x&gt;`')).toEqual({ input: 'typed <x>', type: 'unknown' });
    expect(refFromLabel(`<https://www.notion.so/R-${pageId(1)}|Road &amp; map> (page)`)).toEqual({
      input: `https://www.notion.so/R-${pageId(1)}`,
      id: pageId(1),
      type: 'page',
      title: 'Road & map',
      url: `https://www.notion.so/R-${pageId(1)}`,
    });
    expect(refFromLabel('*Roadmap* (database)')).toMatchObject({
      type: 'database',
      title: 'Roadmap',
      url: undefined,
    });
    expect(refFromLabel(`<https://www.notion.so/R-${pageId(1)}|Roadmap>`)).toMatchObject({
      id: pageId(1),
      type: 'unknown',
      title: 'Roadmap',
    });
    expect(refFromLabel('*Tasks* (data source)').type).toBe('data_source');
  });

  it('generated references: the parsed label is the original label', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(ref, (original) => {
        const label = resourceLabel(original);
        seen.add(label.startsWith('`') ? 'typed' : label.startsWith('<') ? 'linked' : 'bold');
        expect(relabel(label)).toBe(label);
      }),
      { numRuns: 500 },
    );
    // The generator reaches every shape the renderer has.
    expect([...seen].sort()).toEqual(['bold', 'linked', 'typed']);
  });

  // The title shown is inert (markup look-alikes, one line), so it reads back as shown: shown
  // again, it is what the original title showed.
  it('generated references: the parsed title is the title shown (unescaped)', () => {
    fc.assert(
      fc.property(ref, (original) => {
        fc.pre(original.id !== undefined && original.title !== undefined);
        fc.pre(!/ntn_/.test(original.title ?? '')); // redacted titles read back redacted
        const parsed = refFromLabel(resourceLabel(original)).title ?? '';
        expect(escapeMrkdwn(parsed)).toBe(escapeMrkdwn(original.title ?? ''));
      }),
      { numRuns: 300 },
    );
  });

  it('a label it does not recognise is kept whole as the title, rendered bold', () => {
    const odd = refFromLabel('plain words');
    expect(odd).toMatchObject({ type: 'unknown', title: 'plain words' });
    expect(resourceLabel(odd)).toBe('*plain words*');
  });
});

// ---- upgradeWalkthroughState ------------------------------------------------------------------

const ROADMAP = `https://www.notion.so/acme/Roadmap-${pageId(1)}`;
const OLD_NOTES = `https://www.notion.so/acme/Old-notes-${pageId(3)}`;
const TASKS = `https://www.notion.so/acme/Tasks-${pageId(4)}`;

/** What 0.1 rendered, as it stored it: one label per affected page. */
const LABELS = {
  // not shared, typed as a link: Notion gave no title, so the id linked to what was typed.
  roadmap: `<${ROADMAP}|${pageId(1)}>`,
  // not shared, typed as a bare id: nothing to link.
  bareId: `*${pageId(2)}*`,
  // in the trash: Notion still gave its title and link.
  oldNotes: `<${OLD_NOTES}|Old notes &lt;draft&gt; &amp; more> (page)`,
  tasks: `<${TASKS}|Tasks> (data source)`,
};

const CONNECTION = {
  integrationName: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  tokenFingerprint: '…abcd',
};

/**
 * A walkthrough as 0.1 wrote it to walkthroughs.state_json (no `version`): problems with a
 * `title`, labels for `affected`, and the one page of a problem as resourceTitle/resourceUrl.
 * Two problems open (not shared: two pages; in the trash: one), one already fixed.
 */
function legacyState() {
  return {
    id: 'w0123456789abcdef',
    status: 'open',
    kind: 'not_shared',
    steps: [
      { id: 'verify_sharing', status: 'done', by: USER, at: T0 + MINUTE },
      { id: 're_add_integration', status: 'pending' },
      { id: 'test_connection', status: 'pending' },
      { id: 'check_workspace_permissions', status: 'pending' },
    ],
    problems: [
      {
        kind: 'not_shared',
        title: 'Not shared with the integration (or deleted)',
        affected: [LABELS.roadmap, LABELS.bareId],
        requestIds: ['req-404-a', 'req-404-b'],
        // Two pages: 0.1 cleared the one-page fields.
        context: {
          ...CONNECTION,
          resourceTitle: undefined,
          resourceUrl: undefined,
          requestIds: ['req-404-a', 'req-404-b'],
        },
      },
      {
        kind: 'in_trash',
        title: "In Notion's trash (deleted)",
        affected: [LABELS.oldNotes],
        requestIds: [],
        context: {
          ...CONNECTION,
          resourceTitle: 'Old notes <draft> & more',
          resourceUrl: OLD_NOTES,
          requestIds: [],
        },
      },
    ],
    fixed: [
      {
        kind: 'restricted',
        title: 'The integration lacks a capability (e.g. read content) for this',
        affected: [LABELS.tasks],
        requestIds: ['req-403'],
        context: {
          ...CONNECTION,
          resourceTitle: 'Tasks',
          resourceUrl: TASKS,
          requestIds: ['req-403'],
        },
      },
    ],
    earlierSteps: [{ id: 'check_integration', status: 'done', by: OTHER_USER, at: T0 }],
    targets: [ROADMAP, pageId(2), OLD_NOTES],
    context: CONNECTION,
    startedBy: USER,
    startedAt: T0,
  };
}

/** What upgradeWalkthroughState reads: a 0.1 state, or a 0.2 one with its `version`. */
type Stored = Parameters<typeof upgradeWalkthroughState>[0] & { version?: number };

/** The state as the migration reads it from JSON (undefined fields dropped). */
const stored = (): Stored => JSON.parse(JSON.stringify(legacyState()));

describe('upgradeWalkthroughState: a 0.1 walkthrough', () => {
  const upgraded = (): Walkthrough => upgradeWalkthroughState(stored());

  it('renders the same headline, labels included, as 0.1 did', () => {
    const legacy = legacyState();
    const [notShared] = legacy.problems;
    const blocks = buildWalkthroughBlocks(upgraded(), T0 + 5 * MINUTE);
    const [headline] = visibleTexts(blocks)[0]?.split('\n') ?? [];
    // 0.1: `:wrench: *Let's fix: ${escapeMrkdwn(title)}*` + ` — ${affected.join(', ')}`
    expect(headline).toBe(
      `:wrench: *Let's fix: ${notShared?.title}* — ${LABELS.roadmap}, ${LABELS.bareId}`,
    );
    // The title it showed is the title the Slack edge now has for that kind.
    expect(notShared?.title).toBe(DIAGNOSIS_TITLES.not_shared);
  });

  it('lists every open and fixed problem with its labels in the escalation', () => {
    const text = visibleTexts(buildEscalationBlocks(upgraded(), OTHER_USER, [ROADMAP])).join('\n');
    const legacy = legacyState();
    for (const problem of [...legacy.problems, ...legacy.fixed]) {
      expect(text).toContain(
        `• *${problem.title}* — ${problem.affected.join(', ')} — request IDs:`,
      );
    }
    // Steps of the earlier diagnosis are still "tried".
    expect(text).toContain('Check integration status (done)');
  });

  it('keeps affected pages as references, drops the titles and the one-page fields', () => {
    const state = upgraded();
    const [notShared, trash] = state.problems;
    expect(notShared?.affected).toEqual([
      { input: ROADMAP, id: pageId(1), type: 'unknown', title: pageId(1), url: ROADMAP },
      { input: pageId(2), id: pageId(2), type: 'unknown', title: pageId(2), url: undefined },
    ]);
    expect(trash?.affected.map(resourceLabel)).toEqual([LABELS.oldNotes]);
    for (const problem of [...state.problems, ...state.fixed]) {
      expect(problem).not.toHaveProperty('title');
      expect(problem.context).not.toHaveProperty('resourceTitle');
      expect(problem.context).not.toHaveProperty('resourceUrl');
    }
    expect(trash?.context.resource).toMatchObject({
      title: 'Old notes <draft> & more',
      url: OLD_NOTES,
    });
    expect(notShared?.context.resource).toBeUndefined();
    // Everything else is as 0.1 left it.
    const { problems: _p, fixed: _f, ...rest } = stored();
    expect(state).toMatchObject(rest);
  });

  it('keeps working: after a re-test the page in the trash is named in its step as 0.1 did', () => {
    const state = upgraded();
    const [, trash] = state.problems;
    if (!trash) throw new Error('two problems expected');
    const { walkthrough } = applyEvent(state, {
      type: 'retest',
      by: OTHER_USER,
      at: T0 + 10 * MINUTE,
      problems: [trash],
      targets: [OLD_NOTES],
      context: CONNECTION,
    });
    expect(walkthrough.kind).toBe('in_trash');
    const text = visibleTexts(buildWalkthroughBlocks(walkthrough, T0 + 11 * MINUTE)).join('\n');
    // 0.1's {resource} slot: mrkdwnLink(resourceUrl, escapeMrkdwn(resourceTitle)).
    expect(text).toContain(
      `<${OLD_NOTES}|Old notes &lt;draft&gt; &amp; more> is in Notion's trash.`,
    );
    expect(text).toContain(
      `:wrench: *Let's fix: ${DIAGNOSIS_TITLES.in_trash}* — ${LABELS.oldNotes}`,
    );
    expect(stepInstructions('restore_from_trash', trash.context)).toMatch(/^<https:/);
  });

  it('a 0.2 state passes through unchanged (its version dropped), and upgrading twice is once', () => {
    const once = upgraded();
    const asWritten: Stored = { version: 2, ...once };
    expect(upgradeWalkthroughState(asWritten)).toEqual(once);
    expect(upgradeWalkthroughState(once)).toEqual(once);
  });
});
