/** Every Notice a service or the monitor sends, in words and blocks. */
import type { Notice } from '../../domain/notice';
import { buildAlert } from './alert';
import { connectionCode, formatDuration, mention } from './format';
import { buildCompromisedNoticeBlocks, buildLeakWarningBlocks, leakWarningText } from './leak';
import { escapeMrkdwn, section } from './mrkdwn';
import { buildReport, resolvedNote } from './report';
import { diagnosisTitle, resourceLabel } from './resource';
import type { Message } from './types';
import { buildEscalationBlocks, buildWalkthrough } from './walkthrough';

/** A message that is one sentence. */
export function sentence(text: string): Message {
  return { text, blocks: [section(text)] };
}

export function renderNotice(notice: Notice, now: number): Message {
  switch (notice.type) {
    case 'report':
      return buildReport(notice.run, { userId: notice.userId, resolution: notice.resolution });
    case 'walkthrough':
      return buildWalkthrough(notice.walkthrough, now);
    case 'escalation':
      return {
        text: 'Escalation summary for Notion support',
        blocks: buildEscalationBlocks(notice.walkthrough, notice.by, notice.checked),
      };
    case 'retest_inconclusive':
      return sentence(
        `:warning: Test by ${mention(notice.by)} could not reach a verdict: ${diagnosisTitle(notice.diagnosis)}. Nothing changed; press *Test connection* again in a minute.`,
      );
    case 'retest_resolved':
      return sentence(resolvedNote(notice.by, notice.tookMs));
    case 'retest_still_failing': {
      const problem = notice.problem;
      const affected = problem?.affected.length
        ? ` (${problem.affected.map(resourceLabel).join(', ')})`
        : '';
      return sentence(
        `:x: Test by ${mention(notice.by)}: still failing — ${problem ? diagnosisTitle(problem) : 'access problem'}${affected}. The checklist now shows its steps.`,
      );
    }
    case 'token_updated': {
      const { integration } = notice;
      const workspace = integration.workspaceName
        ? ` in workspace *${escapeMrkdwn(integration.workspaceName)}*`
        : '';
      const which = notice.connection ? ` for connection ${connectionCode(notice.connection)}` : '';
      return sentence(
        `:key: Token updated by ${mention(notice.by)} (${notice.fingerprint})${which}: integration *${escapeMrkdwn(integration.name)}*${workspace}.`,
      );
    }
    case 'leak_warning':
      return {
        text: leakWarningText(notice.fingerprints.length),
        blocks: buildLeakWarningBlocks(notice.leakId, notice.fingerprints, notice.connections),
      };
    case 'compromised':
      return {
        text: `Connection ${escapeMrkdwn(notice.connection)} is compromised: regenerate its token now.`,
        blocks: buildCompromisedNoticeBlocks(
          notice.leakId,
          notice.connection,
          notice.fingerprint,
          notice.channelId,
        ),
      };
    case 'alert':
      return buildAlert(notice.alert, notice.watches, now, notice.rerouted);
    case 'alert_acknowledged':
      return sentence(`:eyes: ${mention(notice.by)} is on it.`);
    case 'alert_recovered':
      return sentence(
        `:large_green_circle: Access restored after ${formatDuration(notice.afterMs)}.`,
      );
    case 'alert_reminder':
      return sentence(
        `:alarm_clock: Still failing, for ${formatDuration(notice.failingForMs)} now, and nobody has acknowledged it. Press *Acknowledge* if you are on it, or *Start fix*.`,
      );
    case 'notion_unreachable':
      return sentence(
        `:cloud: The Notion API has been unreachable for ${formatDuration(notice.forMs)} (connection \`${escapeMrkdwn(notice.connection)}\`). This is Notion's side, not lost access: nothing to fix, I keep checking and will say when it is back.`,
      );
    case 'notion_back':
      return sentence(
        `:sunny: The Notion API answers again (connection \`${escapeMrkdwn(notice.connection)}\`).`,
      );
  }
}
