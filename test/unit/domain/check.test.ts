/**
 * A check run as data (src/domain/check.ts): the problems a report and a walkthrough read from
 * it, the headline count, the first outage, and merging a re-test into the original run.
 */
import {
  accessProblems,
  type CheckRun,
  firstTransient,
  mergeRetest,
  problemCount,
  refOf,
  uncheckedResources,
} from '../../../src/domain/check';
import { diagnosisOf } from '../../../src/domain/diagnosis';
import {
  checkRun,
  failedTokenRun,
  INTEGRATION,
  pageId,
  pageUrl,
  resource,
  runWith,
  T0,
} from '../../support/fixtures';

const refused = diagnosisOf('token_invalid', { status: 401, requestId: 'req-401' });

/** A run whose token failed, with every target left unchecked for that reason (as checks do). */
function tokenFailedWith(targets: string[]): CheckRun {
  return checkRun({
    integration: undefined,
    token: { diagnosis: refused },
    resources: uncheckedResources(targets, refused),
  });
}

describe('refOf', () => {
  it('keeps what the user typed and what Notion said, not the diagnosis', () => {
    const checked = resource(3, diagnosisOf('in_trash', { requestId: 'req-3' }));
    const ref = refOf(checked);
    expect(ref).toEqual({
      input: pageUrl(3),
      id: pageId(3),
      type: 'page',
      title: 'Page 3',
      url: pageUrl(3),
    });
    expect(ref).not.toHaveProperty('diagnosis');
    expect(ref).not.toHaveProperty('inTrash');
    // A copy: changing it leaves the check alone.
    ref.title = 'Changed';
    expect(checked.title).toBe('Page 3');
  });

  it('an unreadable page keeps only what was typed and its id', () => {
    expect(refOf(resource(4, diagnosisOf('not_shared')))).toEqual({
      input: pageUrl(4),
      id: pageId(4),
      type: 'unknown',
    });
  });
});

describe('uncheckedResources', () => {
  it('every target, in order, unknown, with the one cause', () => {
    const cause = diagnosisOf('token_missing');
    expect(uncheckedResources(['a', pageUrl(1)], cause)).toEqual([
      { input: 'a', type: 'unknown', inTrash: false, diagnosis: cause },
      { input: pageUrl(1), type: 'unknown', inTrash: false, diagnosis: cause },
    ]);
    expect(uncheckedResources([], cause)).toEqual([]);
  });
});

describe('problemCount: what the report headline counts', () => {
  it('every resource that is not ok, transient ones and typos included', () => {
    expect(problemCount(runWith(['ok', 'not_shared', 'timeout', 'invalid_input', 'ok']))).toBe(3);
  });

  it('zero when everything works', () => {
    expect(problemCount(runWith(['ok', 'ok']))).toBe(0);
    expect(problemCount(checkRun())).toBe(0);
  });

  it('a failing token counts once even with nothing else checked', () => {
    expect(problemCount(failedTokenRun('token_invalid'))).toBe(1);
    expect(problemCount(failedTokenRun('token_missing'))).toBe(1);
  });

  it('a failing token with unchecked pages counts each page', () => {
    expect(problemCount(tokenFailedWith([pageUrl(1), pageUrl(2), pageUrl(3)]))).toBe(3);
  });
});

describe('firstTransient', () => {
  it('the token’s outage before any page’s', () => {
    const outage = diagnosisOf('notion_unavailable', { status: 503 });
    const run = checkRun({
      token: { diagnosis: outage },
      resources: [resource(1, diagnosisOf('rate_limited'))],
    });
    expect(firstTransient(run)).toBe(outage);
  });

  it('the first page’s outage, rate limit or network failure, in order', () => {
    const run = runWith(['ok', 'not_shared', 'network', 'timeout']);
    expect(firstTransient(run)).toBe(run.resources[2]?.diagnosis);
  });

  it('none for access problems, typos and unexpected answers', () => {
    expect(firstTransient(runWith(['ok', 'not_shared', 'invalid_input', 'unexpected']))).toBe(
      undefined,
    );
    expect(firstTransient(failedTokenRun('token_invalid'))).toBeUndefined();
  });
});

describe('accessProblems', () => {
  it('one problem per access diagnosis, in the order first seen, with every page and request id', () => {
    const run = runWith(['not_shared', 'in_trash', 'ok', 'not_shared', 'rate_limited']);
    const [first, trash, , second] = run.resources;
    if (!first || !trash || !second) throw new Error('resources expected');
    expect(accessProblems(run)).toEqual([
      {
        kind: 'not_shared',
        affected: [refOf(first), refOf(second)],
        requestIds: ['req-1', 'req-4'],
      },
      {
        kind: 'in_trash',
        affected: [refOf(trash)],
        requestIds: ['req-2'],
        resource: refOf(trash),
      },
    ]);
  });

  it('names the one page only when there is exactly one', () => {
    const [several, one] = accessProblems(runWith(['restricted', 'restricted', 'not_shared']));
    expect(several?.resource).toBeUndefined();
    expect(one?.resource?.id).toBe(pageId(3));
  });

  it('a failing token is the one problem, whatever its unchecked pages say', () => {
    expect(accessProblems(tokenFailedWith([pageUrl(1), pageUrl(2)]))).toEqual([
      { kind: 'token_invalid', affected: [], requestIds: ['req-401'] },
    ]);
  });

  it('a request id only when Notion gave one', () => {
    const run = checkRun({
      integration: INTEGRATION,
      resources: [resource(1, diagnosisOf('not_shared')), resource(2, diagnosisOf('not_shared'))],
    });
    expect(accessProblems(run)).toMatchObject([{ kind: 'not_shared', requestIds: [] }]);
  });

  it('nothing for a run without access problems', () => {
    expect(accessProblems(runWith(['ok', 'timeout', 'invalid_input', 'edge_blocked']))).toEqual([]);
  });
});

describe('mergeRetest', () => {
  const original = runWith(['not_shared', 'in_trash', 'not_shared']);
  const [first, second, third] = original.resources;
  if (!first || !second || !third) throw new Error('resources expected');

  it('replaces the re-tested pages, keeps the others, in the original order', () => {
    const fixed = resource(2, diagnosisOf('ok'));
    const latest = checkRun({ startedAt: T0 + 60_000, durationMs: 5, resources: [fixed] });
    const merged = mergeRetest(original, latest);
    expect(merged.resources).toEqual([first, fixed, third]);
    // The run is still the original one: when it started, how long it took, which connection.
    expect(merged).toMatchObject({ startedAt: T0, durationMs: 1_234, connection: 'default' });
  });

  it('takes the token, integration and fingerprint of the re-test', () => {
    const renamed = { ...INTEGRATION, name: 'Renamed Sync' };
    const latest = checkRun({
      fingerprint: '…wxyz',
      integration: renamed,
      token: { integration: renamed, diagnosis: diagnosisOf('ok') },
      resources: [],
    });
    const merged = mergeRetest(original, latest);
    expect(merged.token).toBe(latest.token);
    expect(merged.integration).toBe(renamed);
    expect(merged.fingerprint).toBe('…wxyz');
    expect(merged.resources).toEqual(original.resources);
  });

  it('keeps the integration known before when the re-test could not see it', () => {
    const latest = checkRun({ integration: undefined, token: { diagnosis: refused } });
    const merged = mergeRetest(original, latest);
    expect(merged.integration).toBe(original.integration);
    expect(merged.token.diagnosis).toBe(refused);
  });

  it('ignores pages the original did not check, and changes neither run', () => {
    const before = structuredClone(original);
    const stranger = resource(9, diagnosisOf('ok'));
    const latest = checkRun({ resources: [stranger] });
    const merged = mergeRetest(original, latest);
    expect(merged.resources.map((r) => r.input)).toEqual(original.resources.map((r) => r.input));
    expect(original).toEqual(before);
    expect(latest.resources).toEqual([stranger]);
  });
});
