/**
 * HeldEvents (src/listeners/events/held.ts): events kept through a database outage are handled
 * again once the database answers, in order; one failing again is kept again; at most `max`
 * wait; stop() gives up and says so.
 */
import { HeldEvents } from '../../../../src/listeners/events/held';
import { createLogger } from '../../../../src/logger';
import { LogCapture } from '../../../support/harness';

function setup(options: { max?: number } = {}) {
  const logs = new LogCapture();
  let up = false;
  const delivered: unknown[] = [];
  let failNext = 0;
  const held: HeldEvents = new HeldEvents({
    redeliver: async (body) => {
      if (failNext > 0) {
        failNext--;
        // What the middleware does with an event whose database is down again.
        held.hold(body);
        return;
      }
      delivered.push(body);
    },
    healthy: async () => up,
    logger: createLogger('debug', logs),
    retryMs: 10,
    ...options,
  });
  return {
    held,
    logs,
    delivered,
    setUp: (value: boolean) => {
      up = value;
    },
    failOnce: () => {
      failNext = 1;
    },
  };
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

test('kept while the database is down, handled in order once it answers', async () => {
  const { held, delivered, setUp } = setup();
  held.hold({ n: 1 });
  held.hold({ n: 2 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(delivered).toEqual([]);
  expect(held.size).toBe(2);
  setUp(true);
  await until(() => delivered.length === 2);
  expect(delivered).toEqual([{ n: 1 }, { n: 2 }]);
  expect(held.size).toBe(0);
});

test('an event failing again is kept again and handled at the next try', async () => {
  const { held, delivered, setUp, failOnce } = setup();
  setUp(true);
  failOnce();
  held.hold({ n: 1 });
  await until(() => delivered.length === 1);
  expect(delivered).toEqual([{ n: 1 }]);
});

test('at most `max` wait: the oldest are dropped, with a warning', () => {
  const { held, logs } = setup({ max: 2 });
  for (const n of [1, 2, 3]) held.hold({ n });
  expect(held.size).toBe(2);
  expect(logs.text()).toContain('the oldest dropped');
});

test('stop() gives the held events up and says how many', async () => {
  const { held, logs, delivered, setUp } = setup();
  held.hold({ n: 1 });
  await held.stop();
  setUp(true);
  held.hold({ n: 2 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(delivered).toEqual([]);
  expect(logs.text()).toContain('"events":1');
  expect(logs.text()).toContain('they are lost');
});
