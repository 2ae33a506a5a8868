// The RO-Crate export opens with the `ro-crate` npm library (ResearchObject's ROCrate class, not
// provml's code), names the Provenance Run Crate profile it conforms to, and describes the runs:
// workflows with steps, one CreateAction per execution with its inputs and outputs, files copied in.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Checker, ROCrate } from 'ro-crate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportProvenance, writeExport } from '../../../src/export.js';
import { lifecycle } from './helpers.js';

type Entity = Record<string, unknown> & { '@id': string; '@type': string[] };

let lc: Awaited<ReturnType<typeof lifecycle>>;
let crate: ROCrate;
let dir: string;

const ids = (v: unknown) => (v as { '@id': string }[] | undefined)?.map((x) => x['@id']) ?? [];
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  lc = await lifecycle('rocrate');
  dir = join(lc.dir, 'crate');
  const result = await exportProvenance(lc.prov.store!, { format: 'ro-crate', copyData: true, license: 'https://spdx.org/licenses/CC-BY-4.0' });
  await writeExport(result, dir);
  crate = new ROCrate(JSON.parse(await readFile(join(dir, 'ro-crate-metadata.json'), 'utf8')) as object, { array: true, link: true });
});
afterAll(() => lc.done());

describe('RO-Crate export', () => {
  test('the ro-crate library opens it; the root dataset names the Provenance Run Crate profile it conforms to', () => {
    const root = crate.rootDataset as unknown as Entity;
    expect(root['@id']).toBe('./');
    const profiles = (root.conformsTo as Entity[]).map((p) => [p['@id'], (p.name as string[])[0]]);
    expect(profiles).toEqual(
      expect.arrayContaining([
        ['https://w3id.org/ro/wfrun/provenance/0.5', 'Provenance Run Crate'],
        ['https://w3id.org/ro/wfrun/workflow/0.5', 'Workflow Run Crate'],
        ['https://w3id.org/ro/wfrun/process/0.5', 'Process Run Crate'],
      ]),
    );
    expect(ids(crate.metadataFileEntity?.conformsTo)).toEqual(['https://w3id.org/ro/crate/1.1', 'https://w3id.org/workflowhub/workflow-ro-crate/1.0']);
    // the library's own (offline) checks of a crate
    const checker = new Checker(crate);
    for (const check of ['hasRootDataset', 'hasRootDatasetWithProperID', 'hasName', 'hasDescription', 'hasLicense', 'hasDatePublished'] as const) {
      expect((checker as unknown as Record<string, () => { status: boolean }>)[check]!().status, check).toBe(true);
    }
  });

  test('the main entity is the lifecycle workflow, made of the three workflows, each with its steps and tools', () => {
    const main = (crate.rootDataset as unknown as Entity).mainEntity as Entity[];
    expect(main[0]!['@type']).toEqual(expect.arrayContaining(['ComputationalWorkflow', 'HowTo']));
    const parts = (main[0]!.hasPart as Entity[]).map((w) => (w.name as string[])[0]);
    expect(parts.sort()).toEqual(['curation', 'preparation', 'training']);
    const training = crate.getEntity('urn:provml:workflow:training') as unknown as Entity;
    expect((training.hasPart as Entity[]).map((t) => (t.name as string[])[0]).sort()).toEqual(['epoch', 'evaluate', 'training']);
    for (const step of training.step as Entity[]) {
      expect(step['@type']).toEqual(['HowToStep']);
      expect(ids(training.hasPart)).toContain((step.workExample as Entity[])[0]!['@id']);
    }
    const stage = crate.getEntity('urn:provml:plan:training:training') as unknown as Entity;
    expect((stage.input as Entity[]).map((p) => [(p.name as string[])[0], (p.additionalType as string[])[0]]).sort()).toEqual([
      ['dataset', 'File'],
      ['epochs', 'Integer'],
      ['learningRate', 'Float'],
      ['optimizer', 'Text'],
    ]);
  });

  test('one CreateAction per execution (batches left out), with instrument, object, result, times and status', () => {
    const actions = crate.entities({ filter: (e: { '@type': string[] }) => e['@type'].includes('CreateAction') } as never) as unknown as Entity[];
    const list = [...actions];
    expect(list.length).toBe(10 + 1); // 10 executions + the lifecycle run
    const run = crate.getEntity(lc.runs.training) as unknown as Entity;
    expect(ids(run.instrument)).toEqual(['urn:provml:workflow:training']);
    expect(ids(run.actionStatus)).toEqual(['http://schema.org/CompletedActionStatus']);
    const stage = list.find((a) => ids(a.instrument)[0] === 'urn:provml:plan:training:training')!;
    const object = stage.object as Entity[];
    expect(object.filter((o) => o['@type'].includes('PropertyValue')).map((p) => [(p.name as string[])[0], (p.value as unknown[])[0]]).sort()).toEqual([
      ['epochs', 2],
      ['learningRate', 0.01],
      ['optimizer', 'adam'],
    ]);
    expect(object.filter((o) => o['@type'].includes('File')).map((f) => (f.name as string[])[0])).toEqual(['train set.npz']);
    expect((stage.result as Entity[]).map((f) => (f.name as string[])[0])).toEqual(['model-e1.json']);
    expect(stage.startTime).toBeDefined();
    const failed = list.find((a) => ids(a.instrument)[0] === 'urn:provml:plan:training:evaluate')!;
    expect(ids(failed.actionStatus)).toEqual(['http://schema.org/FailedActionStatus']);
    expect(failed.error).toEqual(['RangeError: test split is empty']);
    // a ControlAction per step execution points at its CreateAction and HowToStep
    const control = crate.getEntity(`${stage['@id']}#control`) as unknown as Entity;
    expect(ids(control.object)).toEqual([stage['@id']]);
    expect(ids(control.instrument)).toEqual(['urn:provml:plan:training:training#step']);
  });

  test('files: copied into data/ with their recorded sha256; the crate points at the copies', async () => {
    const files = [...(crate.entities({ filter: (e: { '@type': string[] }) => e['@type'].includes('File') } as never) as unknown as Entity[])];
    expect(files.map((f) => f['@id']).sort()).toEqual(['data/model-e0.json', 'data/model-e1.json', 'data/slices.npy', 'data/survey.sgy', 'data/train%20set.npz']);
    for (const f of files) {
      expect((f.sha256 as string[])[0]).toBe(await sha256(join(dir, decodeURIComponent(f['@id']))));
      expect(ids((crate.rootDataset as unknown as Entity).hasPart)).toContain(f['@id']);
    }
    const dataset = files.find((f) => f['@id'] === 'data/train%20set.npz')!;
    expect(dataset.url).toEqual([pathToFileURL(lc.files.dataset).href]);
  });

  test('one run: its workflow is the main entity, and the run CreateAction has it as instrument', async () => {
    const result = await exportProvenance(lc.prov.store!, { format: 'ro-crate', runs: [lc.runs.preparation] });
    const one = new ROCrate(JSON.parse(result.text) as object, { array: true, link: true });
    const main = ids((one.rootDataset as unknown as Entity).mainEntity);
    expect(main).toEqual(['urn:provml:workflow:preparation']);
    const run = one.getEntity(lc.runs.preparation) as unknown as Entity;
    expect(ids(run.instrument)).toEqual(main);
    expect(ids((one.rootDataset as unknown as Entity).mentions)).toEqual([lc.runs.preparation]);
    // without --copy-data, files are referenced by their storage URL
    const raw = one.getEntity(pathToFileURL(lc.files.raw).href) as unknown as Entity;
    expect(raw['@type']).toEqual(['File']);
  });
});
