// A later iteration of the event loop: for CPU steps of some tens of milliseconds that would otherwise run in
// the same iteration as the step before them (a promise continuation and a setImmediate queued from the poll
// phase both run before the loop polls again), and together hold it past 50 ms.

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
