/** Asserts every fragment appears in `text`, in this order (the steps of a diagnosis). */
export function expectInOrder(text: string, fragments: string[]): void {
  const positions = fragments.map((fragment) => text.indexOf(fragment));
  const missing = fragments.filter((_, i) => positions[i] === -1);
  expect(missing).toEqual([]);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}
