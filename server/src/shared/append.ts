// Appending one array to another without `push(...items)`: a spread passes every item as an argument, and past
// some 100,000 of them (a diagnostic per line of a very large file) the call throws a RangeError.

export function append<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
  return target;
}
