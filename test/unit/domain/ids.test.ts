/** Ids of what buttons point at (src/domain/ids.ts): a kind letter and 16 hex digits. */
import { ID_PATTERN, type IdKind, isId, newId } from '../../../src/domain/ids';

const KINDS: [IdKind, string][] = [
  ['walkthrough', 'w'],
  ['alert', 'a'],
  ['leak', 'l'],
];

describe('newId', () => {
  it.each(KINDS)('a %s id is "%s" and 16 lowercase hex digits', (kind, letter) => {
    for (let i = 0; i < 50; i++) {
      const id = newId(kind);
      expect(id).toMatch(new RegExp(`^${letter}[0-9a-f]{16}$`));
      expect(id).toMatch(ID_PATTERN[kind]);
      expect(isId(kind, id)).toBe(true);
    }
  });

  it('never repeats (64 random bits)', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newId('walkthrough')));
    expect(ids.size).toBe(2_000);
  });
});

describe('isId', () => {
  it('accepts an id of its own kind only', () => {
    const walkthrough = newId('walkthrough');
    expect(isId('walkthrough', walkthrough)).toBe(true);
    expect(isId('alert', walkthrough)).toBe(false);
    expect(isId('leak', walkthrough)).toBe(false);
    expect(isId('alert', newId('alert'))).toBe(true);
    expect(isId('leak', newId('leak'))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['too short', 'w0123456789abcde'],
    ['too long', 'w0123456789abcdef0'],
    ['uppercase hex', 'w0123456789ABCDEF'],
    ['no prefix', '0123456789abcdef0'],
    ['a trailing newline', 'w0123456789abcdef\n'],
    ['leading space', ' w0123456789abcdef'],
    ['a non-hex digit', 'w0123456789abcdeg'],
    ['the empty string', ''],
    ['a number', 123],
    ['undefined', undefined],
    ['null', null],
    ['an object', { id: 'w0123456789abcdef' }],
  ])('refuses %s', (_label, value) => {
    expect(isId('walkthrough', value)).toBe(false);
  });

  it('accepts the shape the fixtures use', () => {
    expect(isId('walkthrough', 'w0123456789abcdef')).toBe(true);
    expect(isId('alert', 'a0123456789abcdef')).toBe(true);
  });
});
