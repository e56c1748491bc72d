/**
 * `npm start` and the `notion-check` command run the compiled JavaScript in dist/. Compiling
 * takes ~10 s, so it happens only when dist/ is missing or older than a source file (a fresh
 * clone, a pull, an edit) — never on a plain restart.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'src', 'index.js');

function newestSource() {
  let newest = 0;
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  }
  const src = path.join(ROOT, 'src');
  for (const file of fs.readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    newest = Math.max(newest, fs.statSync(path.join(src, file)).mtimeMs);
  }
  return newest;
}

/**
 * Compiles src/ (only: a type error in a test never stops the bot) when dist/ is older. The
 * compiler's output goes to stderr, so `notion-check check --json` keeps a clean stdout; a failed
 * build exits with `failureExitCode`.
 */
function buildIfStale(failureExitCode = 1) {
  const built = fs.existsSync(BUILT) ? fs.statSync(BUILT).mtimeMs : 0;
  if (built >= newestSource()) return;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    // A production install (npm ci --omit=dev) has no compiler: run the build it shipped with.
    if (built > 0) return;
    process.stderr.write(
      'notion-check: dist/ is missing and TypeScript is not installed: run npm ci\n',
    );
    process.exit(failureExitCode);
  }
  process.stderr.write('notion-check: compiling TypeScript (only after a change to src/)…\n');
  const config = path.join(ROOT, 'tsconfig.build.json');
  const result = spawnSync(process.execPath, [tsc, '-p', config], {
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write('notion-check: the TypeScript build failed (see above)\n');
    process.exit(failureExitCode);
  }
}

module.exports = { buildIfStale, ROOT };
