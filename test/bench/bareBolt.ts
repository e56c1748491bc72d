/**
 * The baseline of `npm run bench`, run as its own process (`node dist/test/bench/bareBolt.js`):
 * a bare Bolt app with Bolt's own HTTPReceiver that only acks the bench's slash commands and
 * button clicks, nothing else. Configured like the bot, from the environment: SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL (auth.test goes to the fake Slack) and PORT.
 */
import { App } from '@slack/bolt';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bareBolt: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const app = new App({
    token: required('SLACK_BOT_TOKEN'),
    signingSecret: required('SLACK_SIGNING_SECRET'),
    clientOptions: { slackApiUrl: required('SLACK_API_URL') },
    deferInitialization: true,
  });
  await app.init();
  app.command('/notion-check', async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  const port = Number(required('PORT'));
  await app.start(port);
  process.stdout.write(`${JSON.stringify({ port, msg: 'bare Bolt is running' })}\n`);
  process.once('SIGTERM', () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bareBolt failed to start: ${String(error)}\n`);
  process.exit(1);
});
