/**
 * The words of "watch all": the answer to `watch all` (how many, whose, what happens next),
 * to `unwatch all`, and the ack while listing. Names escaped, counts with thousands separators.
 * The alerts of a loss are in alert.test.ts, the `list` line in watches.test.ts.
 */
import type { WatchAllResult } from '../../../../src/domain/inventory';
import {
  listingProgress,
  stoppedWatchingAll,
  watchAllResultMessage,
} from '../../../../src/slack/blocks/inventory';
import { LIMITS } from '../../../../src/slack/blocks/mrkdwn';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';
import { fakeToken, USER } from '../../../support/fixtures';

const TOKEN = fakeToken();
const HOSTILE = `<!channel> *Acme* <@U0EVIL> <https://evil.example|Sync> ${TOKEN}`;

function result(overrides: Partial<WatchAllResult> = {}): WatchAllResult {
  return {
    connection: 'sync',
    integrationName: 'Acme Sync',
    count: 1284,
    already: false,
    complete: true,
    ...overrides,
  };
}

function render(r: WatchAllResult) {
  const message = watchAllResultMessage(r, USER);
  assertBlockKitLimits(message);
  return { ...message, shown: visibleText(message.blocks) };
}

describe('the answer to `watch all`', () => {
  it('posts in the channel how many pages and databases, whose, and who set it up', () => {
    const { response_type, text, shown } = render(result());
    expect(response_type).toBe('in_channel');
    expect(shown).toContain('Watching all 1,284 pages and databases that *Acme Sync* can see');
    expect(text).toBe('Watching all 1,284 pages and databases that Acme Sync can see.');
    expect(shown).toContain(`Set up by <@${USER}>`);
    expect(shown).toContain('Connection `sync` · integration *Acme Sync*');
    expect(shown).toContain('/notion-check unwatch all');
    expect(shown).not.toContain('did not return everything');
  });

  it('already watching: says so, with the count now', () => {
    const { text, shown } = render(result({ already: true }));
    expect(shown).toContain(
      'This channel already watches all pages and databases that *Acme Sync* can see (now 1,284)',
    );
    expect(text).toContain('already watches all');
    expect(shown).not.toContain('Set up by');
  });

  it('an incomplete search: says the count may be short and the next sweeps keep adding', () => {
    const { shown } = render(result({ complete: false }));
    expect(shown).toContain("Notion's search did not return everything this time");
    expect(shown).toContain('the next sweeps keep adding');
  });

  it('one item is singular; none says how to share pages', () => {
    expect(render(result({ count: 1 })).shown).toContain(
      'Watching the 1 page or database that *Acme Sync* can see',
    );
    const none = render(result({ count: 0 }));
    expect(none.shown).toContain('Nothing is shared with it yet');
    expect(none.shown).toContain('Connections');
    expect(none.text).not.toContain('0 pages');
  });

  it('without an integration name, names the connection', () => {
    const { text, shown } = render(result({ integrationName: undefined }));
    expect(shown).toContain('that connection `sync` can see');
    expect(text).toContain('that connection sync can see');
  });

  it('a hostile integration name is escaped and token-free, in blocks and fallback', () => {
    const message = render(result({ integrationName: HOSTILE }));
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0EVIL>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain(TOKEN);
    expect(message.shown).toContain('&lt;!channel&gt;');
  });

  it('a huge name still fits', () => {
    const message = render(
      result({ integrationName: '&'.repeat(50_000), connection: 'x'.repeat(50_000) }),
    );
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.messageText);
  });
});

describe('the answer to `unwatch all`', () => {
  it('says who stopped watching what, in the channel', () => {
    const message = stoppedWatchingAll(USER, 'sync', 'Acme Sync');
    expect(message.response_type).toBe('in_channel');
    expect(message.text).toContain(
      `<@${USER}> stopped watching everything *Acme Sync* can see (connection \`sync\`)`,
    );
    expect(message.text).toContain('one by one stay watched');
  });

  it('without an integration name, the connection', () => {
    expect(stoppedWatchingAll(USER, 'sync').text).toContain(
      'stopped watching everything connection `sync` can see.',
    );
  });

  it('escapes a hostile name', () => {
    const { text } = stoppedWatchingAll(USER, 'sync', HOSTILE);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).not.toContain(TOKEN);
  });
});

describe('the ack while listing', () => {
  it('names what is listed', () => {
    expect(listingProgress('sync', 'Acme Sync')).toContain(
      'Listing everything *Acme Sync* can see…',
    );
    expect(listingProgress('sync')).toContain('Listing everything connection `sync` can see…');
    expect(listingProgress('sync', HOSTILE)).not.toContain('<!channel>');
  });
});
