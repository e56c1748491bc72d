#!/usr/bin/env node

// `npx notion-check check <link or id> … [--json]` (see `notion-check --help`): compile only if
// src/ changed since the last build, then run the command line with this process's arguments.
// A build that fails is "nothing could be concluded" (2), never "access problem" (1).
require('./build-if-stale').buildIfStale(2);
const { main } = require('../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    // main() never rejects; if it ever did, say so without echoing anything that might hold a secret.
    process.stderr.write('notion-check: internal error, nothing could be concluded\n');
    process.exitCode = 2;
  },
);
