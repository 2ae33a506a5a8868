/**
 * Shared by the TF.js integration tests: the tf.js module (or `undefined` when it cannot be
 * imported: the suites skip), SPARQL prefixes, a store query helper and the SHACL check.
 */
import type * as TF from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { MLS_NS, PROV_NS, PROVML_NS } from '../../../src/generated/vocab.js';
import type { ProvML } from '../../../src/tracker.js';
import { validateDataset } from '../../../src/validate/index.js';

/** @tensorflow/tfjs on its pure-JS CPU backend, or `undefined` (the suite is skipped, said once). */
export const tf: typeof TF | undefined = await import('@tensorflow/tfjs')
  .then(async (t) => {
    await t.setBackend('cpu');
    await t.ready();
    return t;
  })
  .catch((err: unknown) => {
    console.warn(`tfjs integration test skipped: @tensorflow/tfjs cannot be imported (${String(err)})`);
    return undefined;
  });

export const P = `PREFIX provml: <${PROVML_NS}> PREFIX prov: <${PROV_NS}> PREFIX mls: <${MLS_NS}>`;

/** Rows of a SELECT (prefixes added) as plain `name → value` records. */
export async function rows(prov: ProvML, body: string): Promise<Array<Record<string, string>>> {
  const result = await prov.store!.select(`${P} ${body}`);
  return result.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v!.value])));
}

/** Every quad of the store conforms to provml's SHACL shapes (the report's results are shown on failure). */
export async function expectValid(prov: ProvML): Promise<void> {
  const quads = await prov.store!.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }');
  const report = await validateDataset(quads);
  expect(report.results).toEqual([]);
  expect(report.conforms).toBe(true);
}

/** `model.summary()`'s numbers: per layer its name, type, output shape and params; total and trainable params. */
export function summaryOf(model: TF.LayersModel): { layers: Array<{ name: string; type: string; shape: string; params: number }>; total: number; trainable: number } {
  const lines: string[] = [];
  model.summary(200, undefined, (...msg: unknown[]) => lines.push(msg.join(' ')));
  const num = (label: string) => Number(lines.find((l) => l.startsWith(label))!.slice(label.length).trim());
  const layers = lines
    .map((l) => /^(\S+) \((\w+)\)\s+(\S+)\s+(\S+)\s+(\d+)\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, type: m[2]!, shape: m[4]!, params: Number(m[5]) }));
  return { layers, total: num('Total params:'), trainable: num('Trainable params:') };
}
