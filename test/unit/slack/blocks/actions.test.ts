/**
 * The action_id and callback ids are a contract with messages already posted: a button on a
 * message from an earlier version must still reach its handler. These strings never change.
 */
import { newId } from '../../../../src/domain/ids';
import { STEP_IDS } from '../../../../src/domain/playbook';
import {
  ACTIONS,
  buttonValue,
  KNOWN_ACTION_IDS,
  stepButtonValue,
  TOKEN_MODAL,
} from '../../../../src/slack/blocks/actions';
import { alert, LEAK_ID, WALKTHROUGH_ID } from '../../../support/fixtures';

/** Exactly the ids 0.1 posted. */
const POSTED_BY_EARLIER_VERSIONS = [
  'walkthrough_done',
  'walkthrough_skip',
  'walkthrough_test',
  'walkthrough_update_token',
  'walkthrough_escalate',
  'alert_start_fix',
  'alert_acknowledge',
  'alert_snooze',
  'leak_start_fix',
  'connection_remove',
];

/** Added since, never renamed either: the App Home's button. */
const ADDED_SINCE = ['home_add_connection'];

const ALERT_ID = alert([]).id;

describe('action ids', () => {
  it('are exactly the ones earlier versions posted', () => {
    expect(ACTIONS).toEqual({
      walkthroughDone: 'walkthrough_done',
      walkthroughSkip: 'walkthrough_skip',
      walkthroughTest: 'walkthrough_test',
      walkthroughUpdateToken: 'walkthrough_update_token',
      walkthroughEscalate: 'walkthrough_escalate',
      alertStartFix: 'alert_start_fix',
      alertAcknowledge: 'alert_acknowledge',
      alertSnooze: 'alert_snooze',
      leakStartFix: 'leak_start_fix',
      connectionRemove: 'connection_remove',
      homeAddConnection: 'home_add_connection',
    });
    expect([...KNOWN_ACTION_IDS].sort()).toEqual(
      [...POSTED_BY_EARLIER_VERSIONS, ...ADDED_SINCE].sort(),
    );
  });

  it('the token modal keeps its callback, block and action ids', () => {
    expect(TOKEN_MODAL).toEqual({
      callbackId: 'token_modal',
      blockId: 'token_input',
      actionId: 'token_value',
    });
  });
});

describe('button values', () => {
  it.each(STEP_IDS)('step value round-trips for %s', (step) => {
    const value = stepButtonValue(WALKTHROUGH_ID, step);
    expect(value).toBe(`${WALKTHROUGH_ID}:${step}`);
    expect(buttonValue.step.parse(value)).toEqual({ id: WALKTHROUGH_ID, step });
  });

  it('step value round-trips for fresh ids', () => {
    for (let i = 0; i < 20; i++) {
      const id = newId('walkthrough');
      expect(buttonValue.step.parse(stepButtonValue(id, 'verify_sharing'))).toEqual({
        id,
        step: 'verify_sharing',
      });
    }
  });

  it.each([
    ['no step', WALKTHROUGH_ID],
    ['an empty step', `${WALKTHROUGH_ID}:`],
    ['an unknown step', `${WALKTHROUGH_ID}:format_disk`],
    ['a step in capitals', `${WALKTHROUGH_ID}:VERIFY_SHARING`],
    ['one part too many', `${WALKTHROUGH_ID}:verify_sharing:extra`],
    ['a step first', `verify_sharing:${WALKTHROUGH_ID}`],
    ['an alert id', `${ALERT_ID}:verify_sharing`],
    ['a short id', 'w0123:verify_sharing'],
    ['an id in capitals', `${WALKTHROUGH_ID.toUpperCase()}:verify_sharing`],
    ['spaces', ` ${WALKTHROUGH_ID}:verify_sharing`],
    ['a prototype key', `${WALKTHROUGH_ID}:__proto__`],
    ['empty', ''],
    ['a colon', ':'],
    ['markup', '<!channel>'],
  ])('step value refuses %s', (_name, value) => {
    expect(buttonValue.step.safeParse(value).success).toBe(false);
  });

  it.each([undefined, null, 42, {}, [WALKTHROUGH_ID, 'verify_sharing'], { id: WALKTHROUGH_ID }])(
    'every codec refuses a value that is not a string: %j',
    (value) => {
      expect(buttonValue.step.safeParse(value).success).toBe(false);
      expect(buttonValue.walkthrough.safeParse(value).success).toBe(false);
      expect(buttonValue.alert.safeParse(value).success).toBe(false);
      expect(buttonValue.leak.safeParse(value).success).toBe(false);
    },
  );

  it('each id codec takes its own kind of id only', () => {
    const ids = { walkthrough: WALKTHROUGH_ID, alert: ALERT_ID, leak: LEAK_ID };
    for (const [kind, codec] of [
      ['walkthrough', buttonValue.walkthrough],
      ['alert', buttonValue.alert],
      ['leak', buttonValue.leak],
    ] as const) {
      for (const [other, id] of Object.entries(ids)) {
        expect({ kind, id, ok: codec.safeParse(id).success }).toEqual({
          kind,
          id,
          ok: other === kind,
        });
      }
      expect(codec.safeParse(`${ids[kind]}:verify_sharing`).success).toBe(false);
      expect(codec.safeParse(`${ids[kind]}0`).success).toBe(false);
      expect(codec.safeParse(ids[kind].slice(0, -1)).success).toBe(false);
      expect(codec.safeParse(ids[kind].toUpperCase()).success).toBe(false);
      expect(codec.parse(ids[kind])).toBe(ids[kind]);
    }
    expect(buttonValue.walkthrough.parse(newId('walkthrough'))).toMatch(/^w[0-9a-f]{16}$/);
    expect(buttonValue.alert.parse(newId('alert'))).toMatch(/^a[0-9a-f]{16}$/);
    expect(buttonValue.leak.parse(newId('leak'))).toMatch(/^l[0-9a-f]{16}$/);
  });
});
