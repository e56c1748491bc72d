/**
 * The layering of src/, checked on every `npm test`. Data flows one way:
 *   listeners → services → domain, with notion/ and store/ below services, and slack/blocks
 *   rendering domain data into words. The rules (see README "How it works"):
 *   1. domain/ imports nothing outside itself (node:crypto for ids is the one exception);
 *   2. slack/blocks/ imports only domain/, itself and security/ (redaction);
 *   3. nothing but app.ts imports listeners/;
 *   4. no two folders import each other, and there is no longer cycle between folders either;
 *   5. cli/ (the `notion-check` command line) sits on domain/, notion/ and security/ only: no
 *      Slack, no database, no app (and no @slack/* package).
 * Imports are read with the TypeScript compiler's own pre-processor, type-only ones included.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find(
    (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
  );
}

/** A file's room: its folder under src (`slack/blocks`), or the file itself at the top. */
function room(file: string): string {
  const relative = path.relative(SRC, file);
  const dir = path.dirname(relative);
  return dir === '.' ? relative.replace(/\.ts$/, '') : dir.split(path.sep).join('/');
}

interface Edge {
  from: string;
  to: string;
  /** The import itself, for the failure message. */
  where: string;
}

/** Every import in src/: relative ones resolved to a file, packages kept as their name. */
function imports(files = sourceFiles(SRC)): { local: Edge[]; packages: Edge[] } {
  const local: Edge[] = [];
  const packages: Edge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      const where = `${path.relative(SRC, file)} → ${fileName}`;
      if (!fileName.startsWith('.')) {
        packages.push({ from: room(file), to: fileName, where });
        continue;
      }
      const target = resolve(file, fileName);
      if (target) local.push({ from: room(file), to: room(target), where });
    }
  }
  return { local, packages };
}

const within = (roomName: string, folder: string) =>
  roomName === folder || roomName.startsWith(`${folder}/`);

/** Rule violations, as readable lines (empty: the layering holds). */
function violations(edges = imports()): string[] {
  const found: string[] = [];
  for (const edge of edges.local) {
    if (edge.from === edge.to) continue;
    if (within(edge.from, 'domain') && !within(edge.to, 'domain')) {
      found.push(`domain/ imports outside itself: ${edge.where}`);
    }
    const blocksMayImport = ['domain', 'slack/blocks', 'security'];
    if (edge.from === 'slack/blocks' && !blocksMayImport.some((ok) => within(edge.to, ok))) {
      found.push(`slack/blocks imports ${edge.to}: ${edge.where}`);
    }
    if (within(edge.to, 'listeners') && !within(edge.from, 'listeners') && edge.from !== 'app') {
      found.push(`${edge.from} imports listeners/: ${edge.where}`);
    }
    const cliMayImport = ['domain', 'notion', 'security', 'cli'];
    if (within(edge.from, 'cli') && !cliMayImport.some((ok) => within(edge.to, ok))) {
      found.push(`cli/ imports ${edge.to}: ${edge.where}`);
    }
  }
  for (const edge of edges.packages) {
    if (within(edge.from, 'domain') && edge.to !== 'node:crypto') {
      found.push(`domain/ imports the package ${edge.to}: ${edge.where}`);
    }
    if (within(edge.from, 'cli') && edge.to.startsWith('@slack/')) {
      found.push(`cli/ imports the package ${edge.to}: ${edge.where}`);
    }
  }
  found.push(...cycles(edges.local));
  return found;
}

/** Folder-level cycles (a pair importing each other is the shortest), one line each. */
function cycles(edges: Edge[]): string[] {
  const next = new Map<string, Map<string, string>>();
  for (const edge of edges) {
    if (edge.from === edge.to) continue;
    const targets = next.get(edge.from) ?? new Map<string, string>();
    if (!targets.has(edge.to)) targets.set(edge.to, edge.where);
    next.set(edge.from, targets);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (node: string, trail: string[]) => {
    const start = trail.indexOf(node);
    if (start !== -1) {
      const loop = [...trail.slice(start), node];
      const key = [...loop.slice(0, -1)].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        const steps = loop.slice(0, -1).map((from, i) => next.get(from)?.get(loop[i + 1] ?? ''));
        found.push(`folders in a cycle: ${loop.join(' → ')} (${steps.join('; ')})`);
      }
      return;
    }
    if (trail.length > 12) return;
    for (const target of next.get(node)?.keys() ?? []) visit(target, [...trail, node]);
  };
  for (const node of next.keys()) visit(node, []);
  return found;
}

test('src/ keeps its layering: domain alone, words at the edge, no folder cycles', () => {
  expect(violations()).toEqual([]);
});

test('the rule sees every kind of violation (checked against made-up imports)', () => {
  const edge = (from: string, to: string): Edge => ({ from, to, where: `${from} → ${to}` });
  const broken = violations({
    local: [
      edge('domain', 'slack/blocks'),
      edge('slack/blocks', 'services'),
      edge('services', 'listeners/commands'),
      edge('monitor', 'store'),
      edge('store', 'monitor'),
      edge('cli', 'slack/blocks'),
      edge('cli', 'store'),
    ],
    packages: [
      { from: 'domain', to: 'zod', where: 'domain/x.ts → zod' },
      { from: 'cli', to: '@slack/types', where: 'cli/x.ts → @slack/types' },
    ],
  });
  expect(broken).toEqual([
    'domain/ imports outside itself: domain → slack/blocks',
    'slack/blocks imports services: slack/blocks → services',
    'services imports listeners/: services → listeners/commands',
    'cli/ imports slack/blocks: cli → slack/blocks',
    'cli/ imports store: cli → store',
    'domain/ imports the package zod: domain/x.ts → zod',
    'cli/ imports the package @slack/types: cli/x.ts → @slack/types',
    'folders in a cycle: monitor → store → monitor (monitor → store; store → monitor)',
  ]);
});

test('every folder of src/ is seen by the rule', () => {
  const rooms = new Set(imports().local.flatMap((edge) => [edge.from, edge.to]));
  for (const folder of [
    'domain',
    'notion',
    'services',
    'monitor',
    'store',
    'slack/blocks',
    'listeners/actions',
    'cli',
  ]) {
    expect(rooms).toContain(folder);
  }
});
