/**
 * Every button the bot posts: its action_id, and how its value is written and read back.
 * Block builders encode with this module; listeners decode with it. The strings must never
 * change: buttons on messages posted by earlier versions keep working.
 */
import { z } from 'zod';
import { CONNECTION_NAME } from '../../domain/connection';
import { ID_PATTERN } from '../../domain/ids';
import { STEP_IDS, type StepId } from '../../domain/playbook';

export const ACTIONS = {
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
  /** App Home, admins only: opens the token modal for the name typed in HOME_FORM. */
  homeAddConnection: 'home_add_connection',
} as const;

export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

export const KNOWN_ACTION_IDS: readonly string[] = Object.values(ACTIONS);

/** The token modal: its callback id and the one input's ids. */
export const TOKEN_MODAL = {
  callbackId: 'token_modal',
  blockId: 'token_input',
  actionId: 'token_value',
} as const;

/** App Home's `Add connection`: its field (typed value arrives with the click) and its value. */
export const HOME_FORM = {
  blockId: 'home_connection_name',
  actionId: 'home_connection_name',
  buttonValue: 'add',
} as const;

const walkthroughId = z.string().regex(ID_PATTERN.walkthrough);

/** Button values: opaque ids only, checked before anything is looked up. */
export const buttonValue = {
  /** Test connection, Update token, Escalate: `w0123…`. */
  walkthrough: walkthroughId,
  /** Done and Skip: `w0123…:verify_sharing`. */
  step: z
    .string()
    .transform((value) => value.split(':'))
    .pipe(z.tuple([walkthroughId, z.enum(STEP_IDS)]))
    .transform(([id, step]) => ({ id, step })),
  /** Start fix, Acknowledge, Snooze on an alert: `a0123…`. */
  alert: z.string().regex(ID_PATTERN.alert),
  /** Start fix under a leaked-token warning: `l0123…`. */
  leak: z.string().regex(ID_PATTERN.leak),
  /** Add connection, on the App Home only: always `add`. */
  addConnection: z.literal(HOME_FORM.buttonValue),
  /** Remove (confirming `disconnect`): the connection's name, `sync`. */
  connection: z
    .string()
    .regex(CONNECTION_NAME)
    .transform((name) => name.toLowerCase()),
};

export function stepButtonValue(walkthroughId: string, step: StepId): string {
  return `${walkthroughId}:${step}`;
}
