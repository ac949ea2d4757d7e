// Preloaded (`node --import`) into every process the CLI benchmark times, the CLI and its floors alike, so
// both report the same way, on exit, to the file BENCH_USAGE_FILE names: peak resident memory (bytes) and CPU
// time (user + system, ms). Plain JavaScript, as are the floors: neither side pays for type stripping.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ rssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
