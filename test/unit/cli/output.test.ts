/**
 * A check run as the command line shows it (src/cli/output.ts): the exit code's ranking, the
 * JSON document's shape for every diagnosis, and text for a terminal with no Slack formatting.
 */
import {
  cliReportSchema,
  EXIT,
  exitCodeOf,
  renderText,
  toJsonReport,
} from '../../../src/cli/output';
import { fixSteps } from '../../../src/cli/words';
import type { CheckRun } from '../../../src/domain/check';
import { CATEGORY_OF, type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import { STEPS, STEPS_FOR } from '../../../src/domain/playbook';
import { checkRun, failedTokenRun, resource, runWith } from '../../support/fixtures';

const ALL_KINDS = Object.keys(CATEGORY_OF) as DiagnosisKind[];

describe('exit code', () => {
  test.each<[string, CheckRun, number]>([
    ['nothing but the token, working', checkRun(), EXIT.ok],
    ['every page readable', runWith(['ok', 'ok']), EXIT.ok],
    ['one not shared', runWith(['ok', 'not_shared']), EXIT.accessProblem],
    ['restricted', runWith(['restricted']), EXIT.accessProblem],
    ['in trash', runWith(['in_trash']), EXIT.accessProblem],
    ['the token refused (401)', failedTokenRun('token_invalid'), EXIT.accessProblem],
    ['rate limited', runWith(['ok', 'rate_limited']), EXIT.noVerdict],
    ['Notion unavailable', runWith(['notion_unavailable']), EXIT.noVerdict],
    ['our queue ran out of time', runWith(['busy']), EXIT.noVerdict],
    ['an unexpected answer', runWith(['unexpected']), EXIT.noVerdict],
    ['an id Notion refused', runWith(['invalid_input']), EXIT.noVerdict],
    ['the token check unavailable', failedTokenRun('notion_unavailable'), EXIT.noVerdict],
    [
      'access outranks an outage',
      runWith(['notion_unavailable', 'not_shared']),
      EXIT.accessProblem,
    ],
    ['…in either order', runWith(['restricted', 'rate_limited', 'ok']), EXIT.accessProblem],
  ])('%s → %i', (_name, run, code) => {
    expect(exitCodeOf(run)).toBe(code);
  });
});

describe('--json', () => {
  test.each(ALL_KINDS)('a page that is %s: the documented shape, ok iff exit 0', (kind) => {
    const run = runWith(['ok', kind]);
    const json = cliReportSchema.parse(toJsonReport(run));
    expect(json.exitCode).toBe(exitCodeOf(run));
    expect(json.ok).toBe(json.exitCode === 0);
    const result = json.results[1];
    expect(result).toMatchObject({ status: kind, category: CATEGORY_OF[kind], checked: true });
    expect(result?.ok).toBe(kind === 'ok');
    expect(result?.problem === undefined).toBe(kind === 'ok');
    // Fix steps exactly for access problems, in the playbook's order.
    expect(result?.fix?.map((step) => step.split(':')[0]) ?? []).toEqual(
      CATEGORY_OF[kind] === 'access' ? STEPS_FOR[kind].map((id) => STEPS[id].title) : [],
    );
  });

  test('the token failed: every result unchecked, the fix on the token only', () => {
    const json = cliReportSchema.parse(
      toJsonReport({ ...failedTokenRun('token_invalid', 'req-401'), resources: [] }),
    );
    expect(json.token).toMatchObject({
      status: 'token_invalid',
      httpStatus: 401,
      requestId: 'req-401',
      fingerprint: '…abcd',
    });
    expect(json.token.fix).toHaveLength(STEPS_FOR.token_invalid.length);
  });

  test('Notion details (HTTP status, code, request id) and the integration are kept', () => {
    const lost = diagnosisOf('not_shared', {
      status: 404,
      code: 'object_not_found',
      requestId: 'req-9',
    });
    const json = toJsonReport(checkRun({ resources: [resource(9, lost)] }));
    expect(json.integration).toEqual({
      id: 'bot-1',
      name: 'Roadmap Sync',
      workspace: 'Acme Corp',
      ownerType: 'workspace',
    });
    expect(json.results[0]).toMatchObject({
      httpStatus: 404,
      code: 'object_not_found',
      requestId: 'req-9',
    });
  });
});

describe('text', () => {
  /** Slack mrkdwn and emoji codes: never in a terminal. */
  const SLACK = /:[a-z_]+:|<https?:[^>]*\||\*\w[^*]*\*|`|&lt;|&gt;/;

  test.each(ALL_KINDS)('%s: plain words, a line per page, steps for an access problem', (kind) => {
    const run = runWith(['ok', kind]);
    const text = renderText(run);
    expect(text).not.toMatch(SLACK);
    expect(text).toContain('✓ "Page 1" (page');
    expect(text).toMatch(new RegExp(`exit ${exitCodeOf(run)}\\)\\.\\n$`));
    for (const id of STEPS_FOR[kind]) {
      expect(text.includes(STEPS[id].title)).toBe(CATEGORY_OF[kind] === 'access');
    }
  });

  test('control characters in a title never reach the terminal', () => {
    const run = checkRun({ resources: [resource(1, undefined, { title: 'Evil\u001b[2J\u0007' })] });
    const text = renderText(run);
    expect(text).not.toMatch(/\p{Cc}(?<!\n)/u);
    expect(text).toContain('"Evil [2J "');
  });

  test('a rate limit says when Notion answers again', () => {
    const limited = diagnosisOf('rate_limited', {
      status: 429,
      retryAt: Date.UTC(2025, 5, 2, 14, 5),
    });
    const text = renderText(checkRun({ resources: [resource(1, limited)] }));
    expect(text).toContain('retry after 2025-06-02 14:05:00 UTC');
    expect(text).not.toContain('How to fix');
  });

  test('every step, any context: no slot left unfilled, no Slack command', () => {
    const contexts = [
      {},
      {
        integrationName: 'Sync',
        workspaceName: 'Acme',
        tokenFingerprint: '…abcd',
        resource: { input: 'x', type: 'page' as const, title: 'Roadmap' },
      },
    ];
    for (const kind of ALL_KINDS) {
      for (const context of contexts) {
        for (const step of fixSteps(kind, context)) {
          expect(step).not.toMatch(/\{\w+\}|\/notion-check|Test connection\*/);
          expect(step).not.toMatch(SLACK);
        }
      }
    }
  });
});
