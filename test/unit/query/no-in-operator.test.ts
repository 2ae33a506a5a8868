/**
 * Virtuoso 7.2 drops rows for `FILTER(?cls IN (a, b))` on a class (or link) variable, so no query
 * provml sends may use `IN (…)`: not the SPARQL text under src/query, not the builder's compiled
 * `in()`, not the lineage step's excluded classes. (test/integration/endpoints/virtuoso.test.ts
 * checks that the queries give the same rows on Virtuoso as on the embedded store.)
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query } from '../../../src/query/index.js';
import { stepQuery } from '../../../src/query/lineage/queries.js';

const IN_CALL = /\bIN\s*\(/i;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('no IN (…) in any query', () => {
  it('builder in(): one = per value, for links, numbers and strings', () => {
    const links = query('EpochExecution');
    const text = links.where(links.root.get('partOf').in(['urn:example:a', 'urn:example:b'])).select({ e: links.root }).toSparql();
    expect(text).not.toMatch(IN_CALL);
    expect(text).toContain('<urn:example:a>');
    expect(text).toContain('<urn:example:b>');
    const numbers = query('EpochExecution');
    expect(numbers.where(numbers.root.get('iterationIndex').in([1, 2])).select({ e: numbers.root }).toSparql()).not.toMatch(IN_CALL);
    const strings = query('Workflow');
    expect(strings.where(strings.root.get('name').in(['a', 'é'])).select({ w: strings.root }).toSparql()).not.toMatch(IN_CALL);
  });

  it('lineage step: excluded classes are a VALUES block', () => {
    const text = stepQuery(['urn:example:m'], 'backward', ['http://www.w3.org/ns/prov#used'], ['https://w3id.org/prov-ml#BatchExecution', 'https://w3id.org/prov-ml#ParameterValue']);
    expect(text).not.toMatch(IN_CALL);
    expect(text).toMatch(/VALUES \?excludedType/);
  });

  it('no source file under src/query writes IN ( or builds an "in" operation', async () => {
    const root = new URL('../../../src/query/', import.meta.url).pathname;
    const offenders: string[] = [];
    for (const file of await sources(root)) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may explain why
        // SPARQL keywords in query text are upper case here; `in(` in code and messages is not SPARQL.
        if (/\bIN\s*\(/.test(line) || /operator:\s*'in'/.test(line) || /op\('in'/.test(line)) offenders.push(`${file.slice(root.length)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
