#!/usr/bin/env node

// `npm start`: compile only if src/ changed since the last build, then run the bot.
require('./build-if-stale').buildIfStale();
require('../dist/src/index.js');
