/**
 * `provml lineage` and `provml segment` as users run them — the CLI's `run()`, in this process
 * (test/unit/cli/run-cli.ts: no child process per test, so no dependence on machine speed) —
 * reading the hand-written fixture (test/fixtures/lineage/runs.ttl) with `--data`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFiles } from '../../../src/cli/load.js';
import { startSparqlServer, type SparqlServer } from '../../../src/store/server.js';
import { provml as runCli } from '../cli/run-cli.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/lineage/runs.ttl');

function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args);
}

/** With `PROVML_DOT` set: the SVG renderer reads it from process.env (the tests here run one at a time). */
async function provmlWithDot(dot: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const before = process.env.PROVML_DOT;
  process.env.PROVML_DOT = dot;
  try {
    return await runCli(args);
  } finally {
    if (before === undefined) delete process.env.PROVML_DOT;
    else process.env.PROVML_DOT = before;
  }
}

interface JsonGraph {
  nodes: { iri: string; label: string; depth: number; kind: string }[];
  edges: { from: string; to: string; predicate: string }[];
}

const graphviz = spawnSync('dot', ['-V'], { stdio: 'ignore' }).status === 0 || process.env.PROVML_REQUIRE_GRAPHVIZ === '1';
if (!graphviz) console.log('SKIPPED: provml lineage --format svg — Graphviz `dot` is not installed (apt-get install -y graphviz)');

let dir: string;
let server: SparqlServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-lineage-cli-'));
  server = await startSparqlServer({ store: await loadFiles([fixture]) });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('provml lineage', () => {
  it('prints the backward lineage of a model as JSON', async () => {
    const r = await provml('lineage', 'urn:ex:a-m0', '--data', fixture);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as JsonGraph;
    expect(g.nodes.find((n) => n.iri === 'urn:ex:raw')).toMatchObject({ label: 'raw survey.sgy', depth: 5, kind: 'entity' });
    expect(g.nodes.map((n) => n.label)).toEqual(expect.arrayContaining(['epoch #0', 'train', 'train.csv', 'prepare-tiles', 'tileSize = 64', 'alice']));
  });

  it('reads an HTTP endpoint with --endpoint and answers as with --data', async () => {
    const [http, files] = await Promise.all([
      provml('lineage', 'urn:ex:b-m2', '--endpoint', server.queryUrl, '--format', 'mermaid'),
      provml('lineage', 'urn:ex:b-m2', '--data', fixture, '--format', 'mermaid'),
    ]);
    expect(http.code).toBe(0);
    expect(http.stdout).toContain('(["raw survey.sgy"])');
    expect(http.stdout).toBe(files.stdout);
  });

  it('draws "model ← training set ← raw file" in Mermaid with --include', async () => {
    const r = await provml('lineage', 'urn:ex:a-m0', '--data', fixture, '--format', 'mermaid', '--include', 'DataReferenceValue');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'flowchart BT',
        '  n0(["model-0.json"])',
        '  n1(["train.csv"])',
        '  n2(["raw survey.sgy"])',
        '  n0 -->|wasInfluencedBy #40;via 2#41;| n1',
        '  n1 -->|wasInfluencedBy #40;via 1#41;| n2',
        '  classDef entity fill:#fffc87,stroke:#808080',
        '  class n0,n1,n2 entity',
        '  classDef root stroke-width:3px',
        '  class n0 root',
        '',
      ].join('\n'),
    );
  });

  it('writes DOT bounded by --max-depth', async () => {
    const r = await provml('lineage', 'urn:ex:a-m0', '--data', fixture, '--format', 'dot', '--max-depth', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('n0 [label="model-0.json", tooltip="urn:ex:a-m0"');
    expect(r.stdout).toContain('n1 [label="epoch #0", tooltip="urn:ex:a-e0"');
    expect(r.stdout).toContain('n0 -> n1 [label="wasGeneratedBy"];');
    expect(r.stdout).not.toContain('n2 [');
  });

  it('goes forward and prunes with --exclude (IterationExecution covers epochs and batches)', async () => {
    const r = await provml('lineage', 'urn:ex:raw', '--direction', 'forward', '--exclude', 'IterationExecution', '--data', fixture);
    expect(r.code).toBe(0);
    const labels = (JSON.parse(r.stdout) as JsonGraph).nodes.map((n) => n.label);
    expect(labels).toContain('train');
    expect(labels.some((l) => l.startsWith('epoch') || l.startsWith('batch') || l.startsWith('model'))).toBe(false);
  });

  it('exits 2 naming a bad IRI, an unknown class, a node not in the data, a bad number', async () => {
    const [bad, cls, missing, depth, source] = await Promise.all([
      provml('lineage', 'urn:x> } DROP ALL', '--data', fixture),
      provml('lineage', 'urn:ex:a-m0', '--data', fixture, '--exclude', 'Epochs'),
      provml('lineage', 'urn:ex:nothing', '--data', fixture),
      provml('lineage', 'urn:ex:a-m0', '--data', fixture, '--max-depth', 'two'),
      provml('lineage', 'urn:ex:a-m0'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid IRI: "urn:x> } DROP ALL"');
    expect(cls.code).toBe(2);
    expect(cls.stderr).toContain('unknown class: "Epochs"');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no provenance about "urn:ex:nothing"');
    expect(depth.code).toBe(2);
    expect(depth.stderr).toContain('--max-depth must be an integer');
    expect(source.code).toBe(2);
    expect(source.stderr).toContain('no provenance to read');
  });

  it.skipIf(!graphviz)('writes SVG to --out through Graphviz', async () => {
    const out = join(dir, 'lineage.svg');
    const r = await provml('lineage', 'urn:ex:c-m1', '--data', fixture, '--format', 'svg', '--out', out, '--exclude', 'Persona');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/wrote 8 nodes, \d+ edges to .*lineage\.svg/);
    const svg = await readFile(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('raw survey.sgy');
  });

  it('says how to install Graphviz when dot is missing (exit 2)', async () => {
    const r = await provmlWithDot('/nonexistent/provml-dot', 'lineage', 'urn:ex:a-m0', '--data', fixture, '--format', 'svg');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provml: Graphviz is not installed/);
    expect(r.stderr).toContain('Graphviz is not installed');
    expect(r.stderr).toContain('apt-get install graphviz');
  });
});

describe('provml segment', () => {
  it('prints the segment from a raw file to a model', async () => {
    const r = await provml('segment', '--from', 'urn:ex:raw', '--to', 'urn:ex:b-m1', '--data', fixture);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as JsonGraph;
    expect(g.nodes.map((n) => n.iri.replace('urn:ex:', '')).sort()).toEqual(['b-e1', 'b-m1', 'b-stage', 'prepare', 'raw', 'train-set']);
    expect(g.edges).toHaveLength(5);
  });

  it('summarizes one segment per run and names the abnormal one', async () => {
    const models = ['a-m0', 'a-m1', 'a-m2', 'b-m0', 'b-m1', 'b-m2', 'c-m0', 'c-m1'].map((m) => `urn:ex:${m}`);
    const r = await provml('segment', '--from', 'urn:ex:raw', '--to', ...models, '--summarize', 'type', '--data', fixture);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { parts: { run: string }[]; anomalies: { label: string; segments: number[]; counts: number[] }[] };
    expect(s.parts.map((p) => p.run)).toEqual(['urn:ex:a-stage', 'urn:ex:b-stage', 'urn:ex:c-stage']);
    expect(s.anomalies.map((a) => [a.label, a.segments, a.counts])).toEqual([
      ['EpochExecution', [2], [3, 3, 2]],
      ['ModelReferenceValue', [2], [3, 3, 2]],
    ]);
    const dot = await provml('segment', '--from', 'urn:ex:raw', '--to', ...models, '--summarize', 'workflow', '--format', 'dot', '--data', fixture);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('label="epoch ×8 (3 | 3 | 2)"');
  });

  it('exits 2 on a bad destination IRI', async () => {
    const r = await provml('segment', '--from', 'urn:ex:raw', '--to', 'not an iri', '--data', fixture);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to "not an iri" is neither an IRI nor a path of recorded data');
  });
});
