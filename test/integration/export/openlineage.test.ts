// OpenLineage RunEvents validate against the OpenLineage 2-0-2 JSON Schema and the facet schemas
// in shared/reference/openlineage (ajv, JSON Schema 2020-12), and say what happened: START and
// COMPLETE/FAIL per execution, parent runs for the stage → epoch nesting, datasets with versions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportProvenance, postOpenLineage, type RunEvent } from '../../../src/export.js';
import { lifecycle } from './helpers.js';

const REFERENCE = join(process.cwd(), '..', 'shared', 'reference', 'openlineage');
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

let lc: Awaited<ReturnType<typeof lifecycle>>;
let events: RunEvent[];
let ajv: Ajv2020;

beforeAll(async () => {
  lc = await lifecycle('openlineage');
  const r = await exportProvenance(lc.prov.store!, { format: 'openlineage' });
  events = r.text.trimEnd().split('\n').map((line) => JSON.parse(line) as RunEvent);
  // strict, except strictRequired: the published schema's `not: { required: [job, run] }` lints as an error there
  ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword('example');
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(REFERENCE, 'OpenLineage.json'), 'utf8')) as object);
  for (const f of await readdir(join(REFERENCE, 'facets'))) ajv.addSchema(JSON.parse(await readFile(join(REFERENCE, 'facets', f), 'utf8')) as object);
});
afterAll(() => lc.done());

/** Validate an event and each of its facets that names a schema we have; returns the errors. */
function validate(event: RunEvent): string[] {
  const errors: string[] = [];
  const main = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json')!;
  if (!main(event)) errors.push(`event: ${ajv.errorsText(main.errors)}`);
  const facets: [string, Record<string, { _schemaURL: string }> | undefined][] = [
    ['run', event.run.facets],
    ['job', event.job.facets],
    ...[...(event.inputs ?? []), ...(event.outputs ?? [])].map((d) => [`dataset ${d.name}`, d.facets] as [string, Record<string, { _schemaURL: string }> | undefined]),
  ];
  for (const [where, set] of facets) {
    for (const [name, facet] of Object.entries(set ?? {})) {
      const id = facet._schemaURL.split('#')[0]!;
      if (id.startsWith('https://w3id.org/prov-ml/')) continue; // provml's own facets: BaseFacet only (checked with the event)
      const check = ajv.getSchema(id);
      if (!check) {
        errors.push(`${where}: no schema for ${facet._schemaURL}`);
        continue;
      }
      if (!check({ [name]: facet })) errors.push(`${where} facet ${name}: ${ajv.errorsText(check.errors)}`);
    }
  }
  return errors;
}

const uuidOf = (iri: string) => iri.slice(iri.lastIndexOf(':') + 1);

describe('OpenLineage export', () => {
  test('every event validates against OpenLineage.json and its facets against their schemas', () => {
    expect(events.length).toBe(20); // 10 executions (batches left out) × START + COMPLETE/FAIL
    const failures = events.flatMap((e, i) => validate(e).map((m) => `event ${i + 1} (${e.eventType} ${e.job.name}): ${m}`));
    expect(failures).toEqual([]);
    const used = new Set(events.flatMap((e) => [...Object.values(e.run.facets ?? {}), ...Object.values(e.job.facets ?? {}), ...(e.inputs ?? []).flatMap((d) => Object.values(d.facets ?? {}))].map((f) => f._schemaURL.split('#')[0]!.replace(/.*\//, ''))));
    expect([...used].sort()).toEqual(['DatasetVersionDatasetFacet.json', 'ErrorMessageRunFacet.json', 'JobTypeJobFacet.json', 'ParentRunFacet.json', 'ProvmlFacets.json']);
  });

  test('a broken event does not validate (the check can fail)', () => {
    const bad = structuredClone(events[0]!) as unknown as { run: { runId: string } };
    bad.run.runId = 'not-a-uuid';
    expect(validate(bad as unknown as RunEvent).length).toBeGreaterThan(0);
  });

  test('runs are the executions: runId is the execution UUIDv7, START then COMPLETE, FAIL with the error', () => {
    const training = events.filter((e) => e.run.runId === uuidOf(lc.runs.training));
    expect(training.map((e) => [e.eventType, e.job.name])).toEqual([
      ['START', 'training'],
      ['COMPLETE', 'training'],
    ]);
    const fail = events.find((e) => e.eventType === 'FAIL')!;
    expect(fail.job.name).toBe('training.evaluate');
    expect(fail.run.facets?.errorMessage).toMatchObject({ message: 'RangeError: test split is empty', programmingLanguage: 'JavaScript' });
    expect(events.filter((e) => e.eventType === 'FAIL').length).toBe(1);
    for (const e of events) expect(e).toMatchObject({ producer: 'https://w3id.org/prov-ml/provml', schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent' });
    // every run has its START before its end
    const seen = new Set<string>();
    for (const e of events) {
      if (e.eventType === 'START') seen.add(e.run.runId);
      else expect(seen.has(e.run.runId)).toBe(true);
    }
  });

  test('nesting: epoch → stage → run through parent facets, with the root run', () => {
    const epochs = events.filter((e) => e.eventType === 'START' && e.job.name === 'training.epoch');
    const stage = events.find((e) => e.eventType === 'START' && e.job.name === 'training.training')!;
    expect(epochs.length).toBe(2);
    for (const epoch of epochs) {
      expect(epoch.run.facets?.parent).toMatchObject({
        run: { runId: stage.run.runId },
        job: { namespace: 'provml', name: 'training.training' },
        root: { run: { runId: uuidOf(lc.runs.training) }, job: { name: 'training' } },
      });
    }
    expect(stage.run.facets?.parent).toMatchObject({ run: { runId: uuidOf(lc.runs.training) }, job: { name: 'training' } });
    expect(epochs.map((e) => (e.run.facets?.provml as { iterationIndex?: number }).iterationIndex)).toEqual([0, 1]);
    expect(events.some((e) => e.job.name === 'training.batch')).toBe(false);
  });

  test('datasets: namespace/name from the storage URL, version = the file’s sha256 (as sha256sum computes it)', async () => {
    const stage = events.find((e) => e.eventType === 'COMPLETE' && e.job.name === 'training.training')!;
    const sha = createHash('sha256').update(await readFile(lc.files.dataset)).digest('hex');
    expect(stage.inputs).toEqual([expect.objectContaining({ namespace: 'file', name: lc.files.dataset, facets: expect.objectContaining({ version: expect.objectContaining({ datasetVersion: sha }) }) })]);
    expect(stage.outputs!.map((d) => d.name)).toEqual([lc.files.models.at(-1)]);
    const tile = events.find((e) => e.eventType === 'COMPLETE' && e.job.name === 'preparation.tile')!;
    expect(tile.outputs!.map((d) => d.name)).toEqual([lc.files.dataset]);
    expect((tile.run.facets?.provml as { parameters?: Record<string, unknown> }).parameters).toEqual({ tileSize: 64, noise: 0.25 });
  });

  test('--batches: batch runs too, each under its epoch', async () => {
    const r = await exportProvenance(lc.prov.store!, { format: 'openlineage', batches: true });
    const all = r.events!;
    expect(all.length).toBe(32);
    const epochIds = new Set(all.filter((e) => e.job.name === 'training.epoch').map((e) => e.run.runId));
    const batches = all.filter((e) => e.job.name === 'training.batch' && e.eventType === 'START');
    expect(batches.length).toBe(6);
    for (const b of batches) expect(epochIds.has((b.run.facets?.parent as unknown as { run: { runId: string } }).run.runId)).toBe(true);
    expect(all.flatMap((e) => validate(e))).toEqual([]);
  });
});

describe('posting to an OpenLineage HTTP endpoint', () => {
  test('one POST /api/v1/lineage per event, in order, retried after a 503, with the bearer token', async () => {
    const received: { path: string; auth: string | undefined; body: RunEvent }[] = [];
    let requests = 0;
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        if (requests === 2) {
          res.writeHead(503).end('busy');
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RunEvent;
        if (body.job.name === 'curation.extract-facts' && body.eventType === 'COMPLETE') {
          res.writeHead(422).end('{"error":"nope"}');
          return;
        }
        received.push({ path: req.url ?? '', auth: req.headers.authorization, body });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await postOpenLineage(events, { url: `http://127.0.0.1:${port}`, apiKey: 'secret-token', backoffMs: 10, timeoutMs: 5000 });
      expect(result.sent).toBe(events.length - 1);
      expect(result.failed).toEqual([expect.objectContaining({ eventType: 'COMPLETE', error: expect.stringMatching(/^HTTP 422/) })]);
      expect(received.map((r) => r.body)).toEqual(events.filter((e) => !(e.job.name === 'curation.extract-facts' && e.eventType === 'COMPLETE')));
      expect(new Set(received.map((r) => r.path))).toEqual(new Set(['/api/v1/lineage']));
      expect(new Set(received.map((r) => r.auth))).toEqual(new Set(['Bearer secret-token']));
      expect(requests).toBe(events.length + 1); // the 503 was retried once; the 422 was not
    } finally {
      server.close();
    }
  });
});
