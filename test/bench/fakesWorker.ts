/**
 * The worker thread of `npm run bench` that hosts the fake Slack and Notion (ackLoad.ts's
 * RemoteFakes starts it): the bot's follow-up work lands here, on its own event loop and heap,
 * not on the load generator's. Posts the FakesInfo once both listen, then answers each
 * FakesRequest with a FakesAnswer of the same id.
 */
import { parentPort } from 'node:worker_threads';
import {
  createWalkthroughs,
  Fakes,
  type FakesAnswer,
  type FakesInfo,
  type FakesRequest,
} from './ackLoad';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('fakesWorker.js runs as a worker thread (ackLoad.ts RemoteFakes)');
  const fakes = await new Fakes().start();
  const answer = async (request: FakesRequest): Promise<unknown> => {
    switch (request.op) {
      case 'activity':
        return fakes.activity();
      case 'walkthroughs':
        return createWalkthroughs(request.botUrl, fakes);
      case 'stop':
        await fakes.stop();
        return undefined;
    }
  };
  port.on('message', (request: FakesRequest) => {
    answer(request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies FakesAnswer),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, error: String(error) } satisfies FakesAnswer),
    );
  });
  const info: FakesInfo = {
    signingSecret: fakes.signingSecret,
    botToken: fakes.slack.botToken,
    slackApiUrl: fakes.slack.apiUrl,
    notionUrl: fakes.notion.url,
    notionToken: fakes.notionToken,
    responseBase: fakes.slack.responseUrl(''),
    sharedPages: fakes.sharedPages,
  };
  port.postMessage(info);
}

main().catch((error: unknown) => {
  // The worker's 'error' event tells the load generator.
  throw error;
});
