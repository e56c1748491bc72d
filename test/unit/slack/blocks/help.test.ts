/** `/notion-check help`, the usage answer to a command it cannot read, and one-line answers. */
import { ephemeral } from '../../../../src/slack/blocks/ephemeral';
import { helpMessage, usageMessage } from '../../../../src/slack/blocks/help';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';

describe('help and usage messages', () => {
  it('help is ephemeral, has a text fallback and lists every subcommand', () => {
    const message = helpMessage();
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('ephemeral');
    expect(message.text.trim()).not.toBe('');
    const text = visibleText(message.blocks);
    for (const word of ['watch', 'unwatch', 'list', 'token', 'help', '20'])
      expect(text).toContain(word);
  });

  it('usage repeats the problem, escaped, and is ephemeral', () => {
    const message = usageMessage({ problem: 'unknown_command', word: '<foo>' });
    assertBlockKitLimits(message);
    expect(message.response_type).toBe('ephemeral');
    expect(message.text).toContain("I don't know the command");
    expect(message.text).toMatch(/help/);
    expect(visibleText(message.blocks)).toContain('`&lt;foo&gt;`');
  });

  it('notices are ephemeral with their text as fallback', () => {
    const message = ephemeral('Done.');
    assertBlockKitLimits(message);
    expect(message).toMatchObject({ response_type: 'ephemeral', text: 'Done.' });
  });
});
