/**
 * Fair use of one token's Notion budget, through the real app: a member who floods the bot
 * with checks cannot hold another member's check back, the flood's excess is told "busy" at
 * once, and a check that runs out of time in our own queue says so, never "Notion did not
 * answer". Pacing is 10× faster than production (3 requests per 105 ms), same rules.
 */
import { randomBytes } from 'node:crypto';
import { RateLimiter } from '../../src/notion/pacing';
import { MAX_CHECKS_PER_USER } from '../../src/services/checks';
import { messageText } from '../support/blocks';
import { Harness } from '../support/harness';
import { sendSlashCommand } from '../support/slackRequest';

const FLOODER = 'U0FLOOD01';
const OTHER = 'U0OTHER02';
const SHARED = '5ad0c0de5ad0c0de5ad0c0de5ad0c0de';

const randomId = () => randomBytes(16).toString('hex');
const dashed = (id: string) =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

let h: Harness;

afterEach(async () => {
  await h.stop();
});

async function command(userId: string, text: string, channelId: string) {
  const responseUrl = h.slack.responseUrl(`fair-${randomBytes(4).toString('hex')}`);
  const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text,
    userId,
    channelId,
    responseUrl,
  });
  expect(result.status).toBe(200);
  return messageText({ text: (result.json as { text?: string } | undefined)?.text });
}

test("a flood of 100 commands × 20 ids from one member: another member's check comes first", async () => {
  h = await new Harness({ limiter: new RateLimiter(3, 105) }).start();
  h.notion.addPage({ id: SHARED, title: 'Team wiki', sharedWith: [h.notionToken] });

  // Each flood command uses its own channel, so only the per-person limit applies.
  const flood = Array.from({ length: 100 }, (_, i) =>
    command(FLOODER, Array.from({ length: 20 }, randomId).join(' '), `C0FLOOD${i}`),
  );
  const acks = await Promise.all(flood);
  const busy = acks.filter((ack) => ack.includes('Busy: 3 checks of yours'));
  expect(busy).toHaveLength(100 - MAX_CHECKS_PER_USER);
  expect(acks.filter((ack) => ack.includes('Checking'))).toHaveLength(MAX_CHECKS_PER_USER);

  // The flood's admitted checks have 63 requests to make; the other member asks once.
  const before = h.notion.requests.length;
  await command(OTHER, SHARED, 'C0OTHER');
  const report = await h.slack.waitFor(
    'chat.postMessage',
    (call) => call.body.channel === 'C0OTHER' && messageText(call.body).includes('Notion check'),
    15_000,
  );
  expect(messageText(report.body)).toContain('all good');

  // Its page request is among the first few the fake Notion saw after it asked.
  const later = h.notion.requests.slice(before).map((request) => request.path);
  const position = later.findIndex(
    (path) => path.includes(dashed(SHARED)) || path.includes(SHARED),
  );
  expect(position).toBeGreaterThanOrEqual(0);
  expect(position).toBeLessThanOrEqual(4);
});

test('a check that runs out of time in our own queue says "busy here", never "Notion did not answer"', async () => {
  // One slot every 2 s and a 1 s deadline: the second request of the check cannot get a slot.
  h = await new Harness({ limiter: new RateLimiter(1, 2_000), checkDeadlineMs: 1_000 }).start();
  h.notion.addPage({ id: SHARED, title: 'Team wiki', sharedWith: [h.notionToken] });
  await command(OTHER, SHARED, 'C0QUEUED');
  const report = await h.slack.waitFor(
    'chat.postMessage',
    (call) => call.body.channel === 'C0QUEUED' && messageText(call.body).includes('Notion check'),
    15_000,
  );
  const text = messageText(report.body);
  expect(text).toContain('notion-check is busy with other checks');
  expect(text).not.toContain('Notion did not answer');
});
