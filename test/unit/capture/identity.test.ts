// What a user needs to name what was recorded and to configure it safely: run/execution IRIs,
// data IRIs, domain facts, per-run workflow options, init option checks, argument checks.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CaptureConfigError, ProvML, ProvMLConfigError, Transformation, currentRun, ref, track } from '../../../src/index.js';
import { q1 } from '../../../src/query/index.js';

const quiet = { environment: false, installExitHooks: false, thread: 'main' } as const;
let dir: string;
let prov: ProvML | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-identity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await prov?.shutdown();
  prov = undefined;
});

async function select(q: string): Promise<Record<string, string>[]> {
  await prov!.flush();
  const rows = await prov!.store!.select(`PREFIX provml: <https://w3id.org/prov-ml#> PREFIX prov: <http://www.w3.org/ns/prov#> ${q}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v!.value])));
}

describe('ProvML.init checks its options', () => {
  test('an unknown key names the option meant', () => {
    expect(() => ProvML.init({ ...quiet, jornal: 'x.nq' } as never)).toThrow(ProvMLConfigError);
    expect(() => ProvML.init({ ...quiet, jornal: 'x.nq' } as never)).toThrow(/unknown option jornal \(did you mean 'journal'\?\)/);
    expect(() => ProvML.init({ ...quiet, retry: { maxAttempt: 3 } } as never)).toThrow(/unknown option retry\.maxAttempt \(did you mean 'retry\.maxAttempts'\?\)/);
  });
  test('bad values name the key and the value', () => {
    expect(() => ProvML.init({ ...quiet, durability: 'bogus' } as never)).toThrow(/durability must be 'sync' or 'batch' or 'none', got "bogus"/);
    expect(() => ProvML.init({ ...quiet, journal: { path: 'j.nq', durability: 'always' } } as never)).toThrow(/journal\.durability must be/);
    expect(() => ProvML.init({ ...quiet, batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => ProvML.init({ ...quiet, fullQueuePolicy: 'Drop' } as never)).toThrow(/fullQueuePolicy must be .* got "Drop" \(did you mean 'drop'\?\)/);
    expect(() => ProvML.init({ ...quiet, environment: 'yes' } as never)).toThrow(/environment must be true or false/);
    try {
      ProvML.init({ ...quiet, queueSize: -5 });
    } catch (err) {
      expect((err as ProvMLConfigError).key).toBe('queueSize');
    }
  });
  test('a second init warns, and the first tracker is the default again after the second shuts down', async () => {
    const warnings: string[] = [];
    const first = ProvML.init({ ...quiet });
    const second = ProvML.init({ ...quiet, logger: { warn: (m: string) => void warnings.push(m) } });
    expect(warnings.join('\n')).toMatch(/ProvML\.init\(\) called while another tracker is installed/);
    expect(ProvML.current).toBe(second);
    await second.shutdown();
    expect(ProvML.current === undefined || ProvML.current === first).toBe(true);
    await first.shutdown();
  });
});

describe('handles: the run, executions and data by IRI', () => {
  test('track.workflow passes the run; currentRun() and iriOf name the recorded execution', async () => {
    prov = ProvML.init({ ...quiet });
    let inner: string | undefined;
    const run = await track.workflow({ name: 'handles' }, async (r) => {
      await track.stage('training', {}, async () => {
        inner = currentRun()?.iri;
      });
      return r;
    });
    expect(run.iri).toMatch(/^urn:provml:execution:[0-9a-f-]{36}$/);
    expect(inner).toBe(run.iri);
    expect(prov.iriOf(run)).toBe(run.iri);
    const rows = await select(`SELECT ?g WHERE { GRAPH ?g { <${run.iri}> a provml:WorkflowExecution } }`);
    expect(rows).toEqual([{ g: run.graph }]);
  });

  test('iriOf(ref) is the node the recorder minted for the file (content-derived), also with files: false', async () => {
    const file = join(dir, 'train set.csv');
    await writeFile(file, 'a,b\n1,2\n');
    for (const files of [undefined, false] as const) {
      prov = ProvML.init({ ...quiet, ...(files === false ? { files } : {}) });
      await track.workflow({ name: `iri-${String(files)}` }, () => track.transformation('load', { outputs: { data: '$' } }, () => ref(file)));
      const rows = await select(`SELECT ?d ?url WHERE { ?d provml:storageUrl ?url }`);
      const expected = await prov.iriOf(ref(file));
      expect(await prov.iriOf(file)).toBe(expected);
      expect(rows.find((r) => r.d === expected)?.url).toBe(pathToFileURL(file).href);
      await prov.shutdown();
      prov = undefined;
    }
  });
});

describe('the README per-epoch model pattern with track', () => {
  test('each epoch records its model and the epoch it was produced at', async () => {
    prov = ProvML.init({ ...quiet, files: false });
    await track.workflow({ name: 'per-epoch' }, () =>
      track.stage('training', { hyperparameters: { lr: 0.1 }, models: ['model'] }, async () => {
        let model;
        for (const [e] of track.loop('epoch', 3, { measures: ['loss'] })) {
          track.measure('loss', 1 / (e + 1));
          model = ref(join(dir, `m${e}.json`));
          expect(track.record('model', 'model', model)).toBe(true);
          track.record('modelHyperparameter', 'epoch', e);
        }
        return { model };
      }),
    );
    const rows = await select(`SELECT ?url ?epoch ?loss WHERE {
      ?exec a provml:EpochExecution . ?d prov:wasGeneratedBy ?exec ; provml:storageUrl ?url .
      ?h provml:characterizes ?d ; a provml:ModelHyperParameterValue ; <http://www.w3.org/ns/mls#hasValue> ?epoch .
      ?ev provml:evaluatesModel ?d ; <http://www.w3.org/ns/mls#hasValue> ?loss } ORDER BY ?epoch`);
    expect(rows.map((r) => [String(r.url).replace(/.*\//, ''), r.epoch])).toEqual([['m0.json', '0'], ['m1.json', '1'], ['m2.json', '2']]);
  });
});

describe('a curation step names the input its characteristics describe', () => {
  test('characterizes: the named input, not the first one (decorators and track)', async () => {
    prov = ProvML.init({ ...quiet, files: false });
    const raw = join(dir, 'raw.sgy');
    const mask = join(dir, 'mask.sgy');
    class Curate {
      @Transformation({ inputs: { raw: 0, mask: 1 }, characteristics: ['inlines'], characterizes: 'mask' })
      scan(_raw: unknown, _mask: unknown) {
        return { inlines: 651 };
      }
    }
    await track.workflow({ name: 'curate' }, () => new Curate().scan(ref(raw), ref(mask)));
    await track.workflow({ name: 'curate-track' }, () =>
      track.transformation('scan2', { inputs: { a: ref(raw), b: ref(mask) }, characteristics: ['crosslines'], characterizes: 'a' }, () => ({ crosslines: 951 })),
    );
    const rows = await select(`SELECT ?url ?v WHERE { ?c a provml:DatasetCharacteristicValue ; provml:characterizes ?d ; <http://www.w3.org/ns/mls#hasValue> ?v . ?d provml:storageUrl ?url }`);
    expect(rows.map((r) => [String(r.url).replace(/.*\//, ''), r.v]).sort()).toEqual([['mask.sgy', '651'], ['raw.sgy', '951']]);
  });
  test('naming something that is not an input or output is a configuration error', () => {
    expect(() => {
      class Bad {
        @Transformation({ inputs: { raw: 0 }, characteristics: ['n'], characterizes: 'nope' })
        scan(_raw: unknown) {
          return { n: 1 };
        }
      }
      return Bad;
    }).toThrow(/characterizes must name one of the step's inputs or outputs \("raw"\), got "nope"/);
  });
});

describe('per-run workflow options', () => {
  test('a run under another experiment records that experiment', async () => {
    prov = ProvML.init({ ...quiet });
    const e1 = await track.workflow({ name: 'sweep', experiment: 'E1' }, async (r) => r);
    const e2 = await track.workflow({ name: 'sweep', experiment: 'E2' }, async (r) => r);
    const rows = await select(`SELECT ?run ?exp WHERE { ?run provml:executes ?wf . ?wf provml:inExperiment ?e . ?e provml:name ?exp }`);
    const byRun = Object.fromEntries(rows.map((r) => [r.run, r.exp]));
    expect(byRun[e1.iri]).toBe('E1');
    expect(byRun[e2.iri]).toBe('E2');
    expect(rows).toHaveLength(2);
  });
  test('a definition option that changes between runs is a clear error', () => {
    prov = ProvML.init({ ...quiet });
    track.workflow({ name: 'def', experiment: 'X', task: 'classification' }, () => undefined);
    expect(() => track.workflow({ name: 'def', experiment: 'X', task: 'regression' }, () => undefined)).toThrow(CaptureConfigError);
    expect(() => track.workflow({ name: 'def', experiment: 'X', task: 'regression' }, () => undefined)).toThrow(/task "regression" differs from "classification"/);
  });
});

describe('domain facts (prov.describe)', () => {
  test('go to the domain graph about the file URL, and Q1 reads them', async () => {
    const raw = join(dir, 'survey #1.sgy');
    const tiles = join(dir, 'tiles.csv');
    await writeFile(raw, 'SEGY');
    await writeFile(tiles, 't');
    prov = ProvML.init({ ...quiet });
    prov.describe(ref(raw), { basin: 'North Sea', field: 'F3', wells: ['F02-1', 'F03-4'], inlines: 651, report: new URL('https://example.org/r.pdf') });
    await track.workflow({ name: 'prep' }, () => track.transformation('tile', { inputs: { raw: ref(raw) }, outputs: { tiles: '$' } }, () => ref(tiles)));
    await track.workflow({ name: 'learn' }, () =>
      track.stage('training', { inputs: { train: ref(tiles) }, models: ['model'] }, () => ({ model: ref(join(dir, 'model.json')) })),
    );
    const url = pathToFileURL(raw).href;
    expect(url).toContain('survey%20%231.sgy');
    const rows = await select(`SELECT ?p ?o WHERE { GRAPH <urn:provml:graph:domain> { <${url}> ?p ?o } }`);
    expect(rows).toEqual(
      expect.arrayContaining([
        { p: 'urn:provml:domain:basin', o: 'North Sea' },
        { p: 'urn:provml:domain:wells', o: 'F02-1' },
        { p: 'urn:provml:domain:wells', o: 'F03-4' },
        { p: 'urn:provml:domain:inlines', o: '651' },
        { p: 'urn:provml:domain:report', o: 'https://example.org/r.pdf' },
      ]),
    );
    const model = await prov.iriOf(ref(join(dir, 'model.json')));
    const [row] = await q1(prov.store!, { model });
    expect(row?.domain.basin).toBe('North Sea');
    expect(row?.domain.field).toBe('F3');
    expect(row?.domain.wells).toEqual(['F02-1', 'F03-4']); // every value of a multi-valued fact
  });
  test('cross to the worker pipeline like any event (default thread)', async () => {
    prov = ProvML.init({ environment: false, installExitHooks: false });
    expect(prov.thread).toBe('worker');
    prov.describe('s3://bucket/survey.sgy', { field: 'F3' }, { graph: 'urn:example:geology', vocab: 'https://example.org/geo#' });
    const rows = await select(`SELECT ?o WHERE { GRAPH <urn:example:geology> { <s3://bucket/survey.sgy> <https://example.org/geo#field> ?o } }`);
    expect(rows).toEqual([{ o: 'F3' }]);
    expect(prov.stats().captured).toBe(1);
  });
  test('a bad graph, vocabulary or value is a TypeError naming it', () => {
    prov = ProvML.init({ ...quiet });
    expect(() => prov!.describe(ref('a.sgy'), { x: 1 }, { graph: 'not an iri' })).toThrow(/graph must be an absolute IRI, got "not an iri"/);
    expect(() => prov!.describe(ref('a.sgy'), { x: null as never })).toThrow(/fact "x" has no recordable value/);
  });
});

describe('capture warns instead of recording nothing silently', () => {
  test('an argument reference that reads nothing warns once', async () => {
    prov = ProvML.init({ ...quiet });
    class Prep {
      @Transformation({ inputs: { raw: '$9.x' }, params: { t: 't' } })
      run(_n: number) {
        return 1;
      }
    }
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.message);
    process.on('warning', onWarning);
    new Prep().run(3);
    new Prep().run(4);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    const mine = warnings.filter((w) => w.includes('Prep#run'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(/input "raw" reads \$9\.x, but the call passed 1 argument\(s\)/);
    expect(mine[0]).toMatch(/parameter "t" reads \$0\.t, but a number has no key "t"/);
  });
  test('a reference to a missing file or a directory warns once per path, from the worker too', async () => {
    for (const thread of ['main', 'worker'] as const) {
      const warnings: string[] = [];
      prov = ProvML.init({ environment: false, installExitHooks: false, thread, logger: { warn: (m: string) => void warnings.push(m) } });
      for (let i = 0; i < 3; i++) {
        await track.workflow({ name: `missing-${thread}` }, () => track.transformation('t', { inputs: { gone: ref(join(dir, 'gone.csv')), folder: ref(dir) } }, () => 1));
      }
      await prov.flush();
      expect(warnings.filter((w) => w.includes('gone.csv'))).toEqual([expect.stringMatching(/gone\.csv"\) does not exist when recorded: only its URL is recorded/)]);
      expect(warnings.filter((w) => w.includes('is a directory'))).toHaveLength(1);
      await prov.shutdown();
      prov = undefined;
    }
  });
  test('ref(undefined) is not a file under the working directory', () => {
    expect(ref(undefined as never).uri).toBe('urn:provml:unknown-ref:undefined');
    expect(ref('' as never).uri).toBe('urn:provml:unknown-ref:empty');
  });
  test('the string limit is an option', async () => {
    prov = ProvML.init({ ...quiet, limits: { maxString: 8 } });
    await track.workflow({ name: 'limits' }, () => track.transformation('t', { params: { note: 'abcdefghijklmnop' } }, () => 1));
    const rows = await select(`SELECT ?v WHERE { ?x a provml:ParameterValue ; <http://www.w3.org/ns/mls#hasValue> ?v }`);
    expect(String(rows[0]?.v).startsWith('abcdefgh')).toBe(true);
    expect(String(rows[0]?.v).length).toBeLessThan(30);
    await ProvML.init({ ...quiet, limits: {} }).shutdown(); // back to the defaults for other tests
  });
});
