// Preloaded into the process `npm run bench -- --only memory` measures: on exit it reports the
// process's peak resident set (main thread and every worker_thread), which the parent reads.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
