// Shared timing helpers for the benchmarks: percentiles and memory, printed in one format.
import { performance } from 'node:perf_hooks';

export interface Summary {
  name: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(name: string, durations: number[]): Summary {
  const sorted = [...durations].sort((a, b) => a - b);
  return { name, samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
}

/** Runs `fn` `iterations` times after `warmup` untimed runs; returns milliseconds per run. */
export async function measure(name: string, iterations: number, fn: () => unknown, warmup = 5): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const durations: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    durations.push(performance.now() - t0);
  }
  return summarize(name, durations);
}

export function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

export function report(summary: Summary, extra = ''): void {
  process.stdout.write(
    `${summary.name.padEnd(48)} p50 ${formatMs(summary.p50).padStart(10)}  p95 ${formatMs(summary.p95).padStart(10)}  (n=${summary.samples})${extra ? '  ' + extra : ''}\n`,
  );
}

export function memoryLine(label = 'memory'): string {
  const m = process.memoryUsage();
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return `${label}: rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)}, external ${mb(m.external)}`;
}

export function printMemory(label?: string): void {
  process.stdout.write(memoryLine(label) + '\n');
}
