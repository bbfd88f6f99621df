// Preloaded into the server process by the start-up benchmarks (NODE_OPTIONS=--require): the event loop's delay,
// measured by perf_hooks.monitorEventLoopDelay from the loop's first turn (the module's own loading is not a
// delay of the loop); SIGUSR2 writes the figures since then (or since the last signal) to $RLS_LOOP_MONITOR.
// Beside the histogram, each stall over 40 ms: when (ms after the first turn), how long, and how much CPU the
// process used meanwhile (about as much as the stall: our own work; much less: the machine ran something else).
const { isMainThread } = require('node:worker_threads');
const out = process.env.RLS_LOOP_MONITOR;
if (out && isMainThread) {
  const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
  const fs = require('node:fs');
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const stalls = [];
  let start = 0;
  setImmediate(() => {
    histogram.enable();
    start = performance.now();
    let last = start;
    let cpu = process.cpuUsage();
    setInterval(() => {
      const now = performance.now();
      const used = process.cpuUsage(cpu);
      if (now - last > 45) stalls.push({ at: Math.round(last - start), ms: Math.round(now - last - 5), cpuMs: Math.round((used.user + used.system) / 1000) });
      last = now;
      cpu = process.cpuUsage();
    }, 5).unref();
  });
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const figures = {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      count: histogram.count,
      stalls: stalls.splice(0),
    };
    fs.writeFileSync(out, JSON.stringify(figures));
    histogram.reset();
  });
}
