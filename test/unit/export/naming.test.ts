// Names in the exports: OpenLineage dataset names ↔ storage URLs, run ids, PROV-JSON qualified names.
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { datasetName, runIdOf, storageUrlOf } from '../../../src/export/openlineage-naming.js';
import { namespaceOf, QualifiedNames } from '../../../src/export/qnames.js';

describe('OpenLineage dataset names (naming conventions)', () => {
  test.each([
    [pathToFileURL('/data/raw set #1.csv').href, { namespace: 'file', name: '/data/raw set #1.csv' }],
    ['s3://bucket/path/to/x.parquet', { namespace: 's3://bucket', name: 'path/to/x.parquet' }],
    ['gs://b/k', { namespace: 'gs://b', name: 'k' }],
    ['https://example.org/data/a.csv', { namespace: 'https://example.org', name: '/data/a.csv' }],
    ['file://host/share/a.csv', { namespace: 'file://host', name: '/share/a.csv' }],
    ['urn:isbn:0451450523', { namespace: 'urn', name: 'isbn:0451450523' }],
  ])('%s ↔ %o', (url, name) => {
    expect(datasetName(url)).toEqual(name);
    expect(storageUrlOf(name)).toBe(url);
  });
});

describe('run ids', () => {
  test('provml execution IRIs give their UUIDv7; other IRIs a stable name-based UUID', () => {
    expect(runIdOf('urn:provml:execution:01A24AFD-4a73-786c-a43f-bdc14511482d', '01A24AFD-4a73-786c-a43f-bdc14511482d')).toBe('01a24afd-4a73-786c-a43f-bdc14511482d');
    const id = runIdOf('https://example.org/run/1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runIdOf('https://example.org/run/1')).toBe(id);
    expect(runIdOf('https://example.org/run/2')).not.toBe(id);
  });
});

describe('PROV-JSON qualified names', () => {
  test('vocabulary prefixes are fixed; provml IRIs get a prefix per kind; clashes are numbered', () => {
    const q = new QualifiedNames();
    expect(q.qn('https://w3id.org/prov-ml#EpochExecution')).toBe('provml:EpochExecution');
    expect(q.qn('http://www.w3.org/ns/prov#used')).toBe('prov:used');
    expect(q.qn('urn:provml:execution:0190-abc')).toBe('execution:0190-abc');
    expect(q.qn('urn:provml:value:0190-abc:measure:loss')).toBe('value:0190-abc:measure:loss');
    expect(q.qn('urn:other:execution:1')).toBe('execution2:1');
    expect(q.qn('https://example.org/things/a')).toBe('things:a');
    expect(q.prefixes()).toMatchObject({ execution: 'urn:provml:execution:', value: 'urn:provml:value:', execution2: 'urn:other:execution:', things: 'https://example.org/things/' });
  });
  test('a namespace always leaves a non-empty local part', () => {
    expect(namespaceOf('urn:provml:execution:x')).toBe('urn:provml:execution:');
    expect(namespaceOf('urn:a:b')).toBe('urn:a:');
    expect(namespaceOf('https://example.org/a/')).toBe('https://example.org/');
    expect(namespaceOf('file:///tmp/x.csv')).toBe('file:///tmp/');
  });
});
