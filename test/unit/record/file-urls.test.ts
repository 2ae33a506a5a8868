import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, setDefaultEmitter, track, type CaptureEvent, type EventEmitterLike } from '../../../src/capture/index.js';
import { PROVML, XSD } from '../../../src/generated/vocab.js';
import { describeSource, repositoryUrl } from '../../../src/record/environment.js';
import { storageUrlOf } from '../../../src/record/files.js';
import { Recorder } from '../../../src/record/recorder.js';
import { parseNQuads } from '../../../src/transport/sink.js';

/**
 * The IRI rule for files: a local path is recorded as its absolute, percent-encoded file:// URL
 * (`pathToFileURL`), with file inspection (`files: true`, the default) and without it
 * (`files: false`) alike; http(s) and s3 URLs are kept as given. Same for the entry script and a
 * git remote that is a local path (`provml:codeRepository`).
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml file urls ')); // a space in every path
});
afterAll(() => rm(dir, { recursive: true, force: true }));

class Collect implements EventEmitterLike {
  readonly events: CaptureEvent[] = [];
  emit(e: CaptureEvent): void {
    this.events.push(e);
  }
}

/** Events of a workflow whose transformation outputs a reference to `uri` (given verbatim, not through ref()). */
function eventsFor(uri: string): CaptureEvent[] {
  const em = new Collect();
  const prev = setDefaultEmitter(em);
  try {
    track.workflow('w', () => track.transformation('prep', { outputs: ['data'] }, () => ({ data: ref('/placeholder') })));
  } finally {
    setDefaultEmitter(prev);
  }
  // Swap in the URI as given (ref() itself resolves relative paths; the recorder must not rely on it).
  return JSON.parse(JSON.stringify(em.events).replaceAll('"/placeholder"', JSON.stringify(uri))) as CaptureEvent[];
}

async function storageUrlsOf(recorder: Recorder, events: CaptureEvent[]): Promise<{ value: string; datatype: string }[]> {
  const store = new Store(parseNQuads((await recorder.record(events)).nquads));
  return store.getQuads(null, PROVML.storageUrl, null, null).map((q) => ({ value: q.object.value, datatype: (q.object as { datatype: { value: string } }).datatype.value }));
}

describe('file URLs: files: false records the same URL as files: true', () => {
  it('local paths (absolute, relative, with spaces, %, #, ?, non-ASCII) and file: URLs', async () => {
    const name = 'my data #1 50% ?ü.csv';
    await writeFile(join(dir, name), 'a,b\n1,2\n');
    const absolute = join(dir, name);
    const cases = [absolute, pathToFileURL(absolute).href, `./${name}`, name];
    const cwd = process.cwd();
    process.chdir(dir); // relative paths resolve against the working directory
    try {
      for (const uri of cases) {
        const expected = pathToFileURL(absolute).href;
        expect(expected).toMatch(/^file:\/\/\/.*my%20data%20%231%2050%25%20%3F%C3%BC\.csv$/);
        const withFiles = await storageUrlsOf(new Recorder({ environment: false }), eventsFor(uri));
        const withoutFiles = await storageUrlsOf(new Recorder({ environment: false, files: false }), eventsFor(uri));
        expect(withFiles, uri).toEqual([{ value: expected, datatype: XSD.anyURI }]);
        expect(withoutFiles, uri).toEqual(withFiles);
        expect(storageUrlOf(uri)).toBe(expected);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('both modes mint the same data node for a file they cannot hash (nonexistent path)', async () => {
    const missing = join(dir, 'not there.csv');
    const node = async (files: false | undefined) => {
      const store = new Store(parseNQuads((await new Recorder({ environment: false, ...(files === false ? { files } : {}) }).record(eventsFor(missing))).nquads));
      return store.getSubjects(PROVML.storageUrl, null, null).map((s) => s.value);
    };
    expect(await node(false)).toEqual(await node(undefined));
  });

  it('http(s), s3 and other URLs are kept exactly as given', async () => {
    for (const uri of ['https://example.org/data/a%20b.csv?x=1#f', 'http://h/x', 's3://bucket/key with space.parquet', 'urn:provml:unknown-ref:empty']) {
      for (const files of [undefined, false] as const) {
        const urls = await storageUrlsOf(new Recorder({ environment: false, ...(files === false ? { files } : {}) }), eventsFor(uri));
        expect(urls, `${uri} files:${String(files)}`).toEqual([{ value: uri, datatype: XSD.anyURI }]);
      }
    }
    expect(storageUrlOf('file://otherhost/share/x.csv')).toBe('file://otherhost/share/x.csv'); // names no local path: kept
  });
});

describe('code: the entry script and its repository', () => {
  it('the script is an absolute, percent-encoded file:// URL', async () => {
    const script = join(dir, 'train #2.ts');
    await writeFile(script, 'console.log(1)\n');
    const facts = await describeSource(script);
    expect(facts?.storageUrl).toBe(pathToFileURL(script).href);
    expect(facts?.storageUrl).toContain('train%20%232.ts');
  });

  it('a git remote that is a local path becomes its file:// URL (resolved against the work tree); URLs stay', () => {
    const tree = join(dir, 'app');
    expect(repositoryUrl('https://github.com/o/r.git', tree)).toBe('https://github.com/o/r.git');
    expect(repositoryUrl('ssh://git@host:2222/o/r.git', tree)).toBe('ssh://git@host:2222/o/r.git');
    expect(repositoryUrl('git@github.com:o/r.git', tree)).toBe('git@github.com:o/r.git'); // git's scp-like syntax
    expect(repositoryUrl('/srv/git/my repo.git', tree)).toBe('file:///srv/git/my%20repo.git');
    expect(repositoryUrl('../mirror repo', tree)).toBe(pathToFileURL(resolve(dir, 'mirror repo')).href);
    expect(repositoryUrl('file:///srv/git/r%C3%BC.git', tree)).toBe('file:///srv/git/r%C3%BC.git');
  });

  it('reads origin (quoted, after a pushurl) from .git/config and records it as codeRepository', async () => {
    const tree = join(dir, 'project');
    await mkdir(join(tree, '.git'), { recursive: true });
    await writeFile(join(tree, '.git', 'HEAD'), `${'a'.repeat(40)}\n`);
    await writeFile(
      join(tree, '.git', 'config'),
      '[core]\n\tbare = false\n[remote "origin"]\n\tpushurl = https://push.example/x.git\n\turl = "../upstream repo.git" ; the shared mirror\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    );
    const script = join(tree, 'main.ts');
    await writeFile(script, 'export {}\n');
    const facts = await describeSource(script);
    expect(facts).toMatchObject({ commit: 'a'.repeat(40), repository: pathToFileURL(join(dir, 'upstream repo.git')).href });

    const events = eventsFor('https://example.org/x');
    const recorder = new Recorder({ environment: true, script });
    const store = new Store(parseNQuads((await recorder.record(events)).nquads));
    const [repo] = store.getObjects(null, PROVML.codeRepository, null);
    expect([repo?.value, (repo as { datatype?: { value: string } } | undefined)?.datatype?.value]).toEqual([pathToFileURL(join(dir, 'upstream repo.git')).href, XSD.anyURI]);
    const scriptUrls = store.getQuads(null, PROVML.storageUrl, null, null).map((q) => q.object.value);
    expect(scriptUrls).toContain(pathToFileURL(script).href);
  });
});
