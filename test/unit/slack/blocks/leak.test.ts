/**
 * The leak warning (src/slack/blocks/leak.ts): one message however many tokens — how many, at
 * most LEAK_WARNING_SHOWN fingerprints then "and N more", one Start fix button.
 */
import { LEAK_WARNING_SHOWN } from '../../../../src/slack/blocks/leak';
import { renderNotice } from '../../../../src/slack/blocks/notice';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, visibleText } from '../../../support/blocks';
import { LEAK_ID, T0 } from '../../../support/fixtures';

const fingerprints = (count: number) =>
  Array.from({ length: count }, (_, i) => `…${String(i).padStart(4, '0')}`);

function warning(count: number, connections: string[] = []) {
  const message = renderNotice(
    { type: 'leak_warning', leakId: LEAK_ID, fingerprints: fingerprints(count), connections },
    T0,
  );
  assertBlockKitLimits(message);
  return { ...message, visible: visibleText(message.blocks) };
}

describe('leak warning', () => {
  it(`shows ${LEAK_WARNING_SHOWN} fingerprints at most`, () => {
    expect(LEAK_WARNING_SHOWN).toBe(5);
  });

  it('one token: as before, the token and its fingerprint', () => {
    const { text, visible, blocks } = warning(1, ['default']);
    expect(text).toBe('This message contains a Notion token: regenerate it now.');
    expect(visible).toContain('*This message contains a Notion token* (…0000)');
    expect(visible).toContain(
      'It is the token notion-check uses for the `default` connection, which is now marked compromised.',
    );
    expect(buttons(blocks).map((b) => [b.text.text, b.value])).toEqual([['Start fix', LEAK_ID]]);
  });

  it('150 tokens: the count, five fingerprints and "and 145 more", one Start fix', () => {
    const { text, visible, blocks } = warning(150);
    expect(text).toBe('This message contains 150 Notion tokens: regenerate them now.');
    expect(visible).toContain(
      '*This message contains 150 Notion tokens* (…0000, …0001, …0002, …0003, …0004 and 145 more)',
    );
    expect(visible).not.toContain('…0005');
    expect(visible).toContain('regenerate each token');
    expect(visible).not.toContain('compromised');
    expect(buttons(blocks)).toHaveLength(1);
  });

  it('a few tokens are all listed', () => {
    expect(warning(2).visible).toContain('(…0000 and …0001)');
    expect(warning(5).visible).toContain('(…0000, …0001, …0002, …0003 and …0004)');
    expect(warning(6).visible).toContain('(…0000, …0001, …0002, …0003, …0004 and 1 more)');
  });

  it('names the connections among them, a few at most', () => {
    expect(warning(3, ['default']).visible).toContain(
      'One of them is the token notion-check uses for the `default` connection, which is now marked compromised.',
    );
    expect(warning(3, ['default', 'sync-2']).visible).toContain(
      'Among them are the tokens notion-check uses for the `default` and `sync-2` connections',
    );
    const many = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    expect(warning(10, many).visible).toContain(
      'the `c1`, `c2`, `c3`, `c4`, `c5` and 2 more connections',
    );
  });
});
