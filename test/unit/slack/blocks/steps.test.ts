/**
 * The playbook's templates in words: every `{slot}` filled with what the check learned,
 * escaped exactly once (a name from Notion is data, never markup: no mention, no double
 * escape), and said generically when nothing is known.
 */
import fc from 'fast-check';
import { type Slot, STEP_IDS, STEPS, type StepContext } from '../../../../src/domain/playbook';
import { escapeMrkdwn } from '../../../../src/slack/blocks/mrkdwn';
import { escalationAdvice, stepInstructions, stepWhy } from '../../../../src/slack/blocks/steps';
import { fakeToken, pageId, pageUrl } from '../../../support/fixtures';

const SLOTS: Slot[] = ['integration', 'resource', 'workspace', 'fingerprint'];
const UNFILLED = /\{(?:integration|resource|workspace|fingerprint)\}/;

/** How many times a template asks for a slot. */
const uses = (template: string, slot: Slot) => template.split(`{${slot}}`).length - 1;
const count = (text: string, part: string) => text.split(part).length - 1;

const HOSTILE = 'R&D <@U1> *ops* <!channel>';
/** HOSTILE as it must appear: escaped once; its `*` cannot format (look-alike `∗`, U+2217). */
const ESCAPED = 'R&amp;D &lt;@U1&gt; ∗ops∗ &lt;!channel&gt;';

const hostileContext: StepContext = {
  integrationName: `${HOSTILE} integration`,
  workspaceName: `${HOSTILE} workspace`,
  tokenFingerprint: '…a&<b',
  resource: {
    input: pageUrl(1),
    id: pageId(1),
    type: 'page',
    title: `${HOSTILE} page`,
    url: pageUrl(1),
  },
};

const CONTEXTS: [string, StepContext][] = [
  ['nothing known', {}],
  [
    'everything known',
    {
      integrationName: 'Roadmap Sync',
      workspaceName: 'Acme Corp',
      tokenFingerprint: '…abcd',
      resource: {
        input: pageUrl(1),
        id: pageId(1),
        type: 'page',
        title: 'Roadmap',
        url: pageUrl(1),
      },
      requestIds: ['req-1'],
    },
  ],
  ['hostile names', hostileContext],
  ['a page without a title', { resource: { input: pageId(2), id: pageId(2), type: 'unknown' } }],
  [
    'a page whose url is not a plain https link',
    { resource: { input: 'x', id: pageId(3), type: 'page', title: 'Notes', url: 'javascript:x' } },
  ],
];

describe('stepInstructions', () => {
  const cases = STEP_IDS.flatMap((id) =>
    CONTEXTS.map(([name, context]) => [id, name, context] as const),
  );

  it.each(cases)('%s with %s: no slot is left unfilled', (id, _name, context) => {
    const text = stepInstructions(id, context);
    expect(text).not.toMatch(UNFILLED);
    expect(text).not.toMatch(/\{\w+\}/);
    expect(text.trim()).not.toBe('');
  });

  it('every template uses only known slots', () => {
    for (const id of STEP_IDS) {
      const slots = [...STEPS[id].template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const slot of slots) expect(SLOTS).toContain(slot);
    }
  });

  it.each(STEP_IDS)('%s escapes each Notion name exactly once, wherever a slot uses it', (id) => {
    const { template } = STEPS[id];
    const text = stepInstructions(id, hostileContext);
    expect(count(text, `*${ESCAPED} integration*`)).toBe(uses(template, 'integration'));
    expect(count(text, `the *${ESCAPED} workspace* workspace`)).toBe(uses(template, 'workspace'));
    expect(count(text, `<${pageUrl(1)}|${ESCAPED} page>`)).toBe(uses(template, 'resource'));
    expect(count(text, '; ours ends in …a&amp;&lt;b')).toBe(uses(template, 'fingerprint'));
    // Never raw, never twice.
    expect(text).not.toContain('<@U1>');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('R&D');
    expect(text).not.toMatch(/&amp;(?:amp|lt|gt);/);
  });

  it('every slot is used by some step, so every slot is tested above', () => {
    for (const slot of SLOTS) {
      expect(STEP_IDS.some((id) => uses(STEPS[id].template, slot) > 0)).toBe(true);
    }
  });

  it('says it generically when nothing is known', () => {
    expect(stepInstructions('verify_sharing', {})).toMatch(
      /^Open the page or database in Notion .* Is your integration listed\? .* another workspace than your workspace,/,
    );
    expect(stepInstructions('check_workspace_permissions', {})).toMatch(
      /^Ask an owner of your workspace to check/,
    );
    expect(stepInstructions('regenerate_token', {})).toContain('(or copy it if it is still valid)');
  });

  it('names the page, linked, and the integration, in bold', () => {
    const text = stepInstructions('re_add_integration', {
      integrationName: 'Zapier',
      resource: { input: pageUrl(4), id: pageId(4), type: 'page', title: 'Q3', url: pageUrl(4) },
    });
    expect(text).toBe(
      `Open <${pageUrl(4)}|Q3> → *•••* menu → *Connections* → *Add connections* → pick *Zapier* → *Confirm*. Sharing a parent page shares everything inside it.`,
    );
  });

  it('links a page only through a plain https url; otherwise its title is bold', () => {
    const text = stepInstructions('restore_from_trash', {
      resource: { input: 'x', id: pageId(3), type: 'page', title: 'Notes', url: 'javascript:x' },
    });
    expect(text).toMatch(/^\*Notes\* is in Notion's trash\./);
    expect(text).not.toContain('javascript:');
  });

  it('never shows a token, even in a name or a url', () => {
    const token = fakeToken();
    const text = STEP_IDS.map((id) =>
      stepInstructions(id, {
        integrationName: `bot ${token}`,
        workspaceName: token,
        resource: {
          input: token,
          id: pageId(5),
          type: 'page',
          title: `Page ${token}`,
          url: `https://www.notion.so/${token}-${pageId(5)}`,
        },
      }),
    ).join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(0, 12));
  });

  it('fills each slot once: a name that spells a slot is shown as it is, not filled again', () => {
    const text = stepInstructions('verify_sharing', {
      integrationName: '{workspace}',
      workspaceName: 'Acme',
    });
    expect(text).toContain('Is *{workspace}* listed?');
    expect(count(text, 'Acme')).toBe(uses(STEPS.verify_sharing.template, 'workspace'));
  });

  it('for any names, every slot is filled with the name escaped once', () => {
    const name = fc.string({ maxLength: 60 }).filter((s) => !s.includes('{'));
    fc.assert(
      fc.property(
        fc.constantFrom(...STEP_IDS),
        fc.record(
          {
            integrationName: name,
            workspaceName: name,
            tokenFingerprint: name,
            title: name,
          },
          { requiredKeys: [] },
        ),
        (id, names) => {
          const context: StepContext = {
            integrationName: names.integrationName,
            workspaceName: names.workspaceName,
            tokenFingerprint: names.tokenFingerprint,
            resource:
              names.title === undefined
                ? undefined
                : { input: pageUrl(6), id: pageId(6), type: 'page', title: names.title },
          };
          const text = stepInstructions(id, context);
          expect(text).not.toMatch(UNFILLED);
          const { template } = STEPS[id];
          if (names.integrationName && uses(template, 'integration')) {
            expect(text).toContain(`*${escapeMrkdwn(names.integrationName)}*`);
          }
          if (names.workspaceName && uses(template, 'workspace')) {
            expect(text).toContain(`the *${escapeMrkdwn(names.workspaceName)}* workspace`);
          }
          if (names.title && uses(template, 'resource')) {
            expect(text).toContain(`*${escapeMrkdwn(names.title)}*`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('stepWhy and escalationAdvice', () => {
  it.each(STEP_IDS)('%s says why, with its links', (id) => {
    const why = stepWhy(id);
    expect(why.startsWith(`Why: ${STEPS[id].why}`)).toBe(true);
    for (const link of STEPS[id].links) expect(why).toContain(`<${link.url}|${link.label}>`);
  });

  it('escalation advice names Notion support, the request ids and the app provider', () => {
    const advice = escalationAdvice(['req-1', 'req-2']);
    expect(advice).toMatch(/Contact Notion support/);
    expect(advice).toContain('Give them these request IDs: `req-1`, `req-2`.');
    expect(advice).toMatch(/third-party app .* provider/);
    expect(escalationAdvice([])).not.toMatch(/request IDs/);
  });
});
