// Preloaded into the server process by the start-up benchmarks (NODE_OPTIONS=--require): the event loop's delay,
// measured by perf_hooks.monitorEventLoopDelay from the loop's first turn (the module's own loading is not a
// delay of the loop); SIGUSR2 writes the figures since then (or since the last signal) to $RLS_LOOP_MONITOR.
const { isMainThread } = require('node:worker_threads');
const out = process.env.RLS_LOOP_MONITOR;
if (out && isMainThread) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const fs = require('node:fs');
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  setImmediate(() => histogram.enable());
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const figures = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), count: histogram.count };
    fs.writeFileSync(out, JSON.stringify(figures));
    histogram.reset();
  });
}
