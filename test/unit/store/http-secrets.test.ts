import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { authSecrets, HttpSparqlEndpoint, scrubSecrets, SparqlHttpError, type HttpAuth } from '../../../src/store/index.js';
import { serverMessageOf } from '../../../src/store/http.js';
import { describeFailure } from '../../../src/transport/dead-letter.js';
import { startSparqlServer, type LoopbackServer } from './sparql-server.js';

/**
 * Server messages are kept to their first 500 characters. A server that echoes a credential
 * (a Basic header, a form body with the password) right where that cut falls must not leak the
 * head of it: scrubbing comes first, then the cut.
 */

const CUT = 500;
const PASSWORD = 's3cr3t-Pa55wörd!'; // its percent-encoded form differs (ö, !)
const USER = 'alice';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu';

/** Every kind of secret the scrubber knows, with the auth that makes it one. */
const KINDS: [kind: string, auth: HttpAuth, secret: string][] = [
  ['password', { type: 'basic', user: USER, password: PASSWORD }, PASSWORD],
  ['percent-encoded password', { type: 'basic', user: USER, password: PASSWORD }, encodeURIComponent(PASSWORD)],
  ['Basic header payload', { type: 'basic', user: USER, password: PASSWORD }, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')],
  ['digest password', { type: 'digest', user: USER, password: PASSWORD }, PASSWORD],
  ['bearer token', { type: 'bearer', token: TOKEN }, TOKEN],
];

/** The offsets around the cut where a secret starts: entirely before it, straddling it, entirely after it. */
function offsets(secret: string): number[] {
  const out: number[] = [];
  for (let at = CUT - secret.length - 2; at <= CUT + 2; at++) out.push(at);
  return out;
}

/** What leaks of `secret` in `text`: its longest head (≥ 4 characters) found there, or ''. */
function leakedHead(text: string, secret: string): string {
  for (let n = secret.length; n >= 4; n--) if (text.includes(secret.slice(0, n))) return secret.slice(0, n);
  return '';
}

/** A server answer with the secret at `at`, as servers echo it: in a header line or a form body. */
function answer(secret: string, at: number): string {
  const filler = '-'.repeat(at - 6);
  return `${filler}echo: ${secret} (request rejected)`;
}

describe('secrets are scrubbed before the server message is cut', () => {
  it('serverMessageOf: no head of any secret at any offset around the cut', () => {
    for (const [kind, auth, secret] of KINDS) {
      const secrets = authSecrets(auth);
      expect(secrets, kind).toContain(secret);
      for (const at of offsets(secret)) {
        const text = answer(secret, at);
        expect(text.indexOf(secret), 'fixture').toBe(at);
        const message = serverMessageOf(text, secrets);
        expect(message.length).toBeLessThanOrEqual(CUT);
        expect(leakedHead(message, secret), `${kind} at ${at}`).toBe('');
        if (at + secret.length <= CUT) expect(message, `${kind} at ${at}`).toContain('echo: ***');
      }
    }
  });

  it('a secret containing another one is removed whole (longest first)', () => {
    expect(scrubSecrets('x abcdef y', ['abc', 'abcdef'])).toBe('x *** y');
    expect(authSecrets({ type: 'basic', user: 'u', password: 'p@ss' })).toEqual(['p@ss', 'p%40ss', Buffer.from('u:p@ss').toString('base64')]);
  });

  describe('over HTTP: the error message, serverMessage and dead-letter reason', () => {
    let store: EmbeddedStore;
    let server: LoopbackServer;
    beforeAll(async () => {
      store = EmbeddedStore.create();
      server = await startSparqlServer({ store });
    });
    afterAll(() => server.close());

    it('no head of any secret at any offset around the cut', async () => {
      let checked = 0;
      for (const [kind, auth, secret] of KINDS) {
        const ep = new HttpSparqlEndpoint({ url: server.url, auth, timeoutMs: 5000 });
        try {
          for (const at of offsets(secret)) {
            server.failNext(1, 400, { body: answer(secret, at) });
            const err = (await ep.update('INSERT DATA {}').catch((e: unknown) => e)) as SparqlHttpError;
            expect(err).toBeInstanceOf(SparqlHttpError);
            for (const text of [err.message, err.serverMessage ?? '', String(err.stack), JSON.stringify(err), describeFailure(err)]) {
              expect(leakedHead(text, secret), `${kind} at ${at}`).toBe('');
            }
            expect(err.serverMessage!.length).toBeLessThanOrEqual(CUT);
            checked++;
          }
        } finally {
          await ep.close();
        }
      }
      expect(checked).toBe(KINDS.reduce((n, [, , s]) => n + offsets(s).length, 0));
    });

    it('an answer that does not parse: the parser quotes a cut piece of it, withheld when it echoes a secret', async () => {
      for (const [kind, auth, secret] of KINDS) {
        const ep = new HttpSparqlEndpoint({ url: server.url, auth, timeoutMs: 5000 });
        try {
          server.failNext(1, 200, { body: `${secret} is what you sent`, headers: { 'content-type': 'application/sparql-results+json' } });
          const json = (await ep.select('SELECT * {}').catch((e: unknown) => e)) as SparqlHttpError;
          server.failNext(1, 200, { body: `<urn:s> <urn:p> ${secret}`, headers: { 'content-type': 'application/n-triples' } });
          const nt = (await ep.construct('CONSTRUCT WHERE { ?s ?p ?o }').catch((e: unknown) => e)) as SparqlHttpError;
          for (const err of [json, nt]) {
            expect([err.code, err.message]).toEqual(['response', expect.stringMatching(/details withheld: it echoes a credential/)]);
            expect(leakedHead(`${err.message} ${String(err.stack)}`, secret), kind).toBe('');
          }
        } finally {
          await ep.close();
        }
      }
      const plain = new HttpSparqlEndpoint({ url: server.url, timeoutMs: 5000 });
      server.failNext(1, 200, { body: 'not json', headers: { 'content-type': 'application/sparql-results+json' } });
      const err = (await plain.select('SELECT * {}').catch((e: unknown) => e)) as SparqlHttpError;
      expect(err.message).toMatch(/SPARQL JSON results: .*JSON/); // no secret: the parser's own words
      await plain.close();
    });
  });
});
