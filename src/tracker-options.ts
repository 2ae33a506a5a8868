/**
 * Checking `ProvML.init` options: a misspelt key (`jornal`) or a bad value (`durability: 'bogus'`)
 * is a configuration error at init, naming the key, the value and — for a typo — the option meant.
 * Nothing here runs after init.
 *
 * @module
 */

import { looksSecret } from './record/process-facts.js';

/**
 * Thrown by `ProvML.init` for an unknown option or a bad value; `key` names the option.
 *
 * @example
 * ```ts
 * try {
 *   ProvML.init({ jornal: 'run.nq' } as never);
 * } catch (err) {
 *   if (err instanceof ProvMLConfigError) console.error(err.key, err.message); // jornal … (did you mean 'journal'?)
 * }
 * ```
 */
export class ProvMLConfigError extends TypeError {
  /** The offending option, as a path (`journal.durability`, `retry.maxAttempts`). */
  readonly key: string;
  constructor(key: string, message: string) {
    super(`provml: ${message}`);
    this.name = 'ProvMLConfigError';
    this.key = key;
  }
}

type Check = (v: unknown, key: string) => void;

const oneOf =
  (...allowed: readonly string[]): Check =>
  (v, key) => {
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new ProvMLConfigError(key, `${key} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${show(v)}${hint(v, allowed)}`);
    }
  };

const bool: Check = (v, key) => {
  if (typeof v !== 'boolean') throw new ProvMLConfigError(key, `${key} must be true or false, got ${show(v)}`);
};

const positive =
  (integer: boolean): Check =>
  (v, key) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new ProvMLConfigError(key, `${key} must be a positive ${integer ? 'integer' : 'number'}, got ${show(v)}`);
    }
  };

const nonNegative: Check = (v, key) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ProvMLConfigError(key, `${key} must be a number ≥ 0, got ${show(v)}`);
};

const text: Check = (v, key) => {
  if (typeof v !== 'string' || v.length === 0) throw new ProvMLConfigError(key, `${key} must be a non-empty string, got ${show(v)}`);
};

const fn: Check = (v, key) => {
  if (typeof v !== 'function') throw new ProvMLConfigError(key, `${key} must be a function, got ${show(v)}`);
};

const object =
  (fields: Readonly<Record<string, Check>>, what: string): Check =>
  (v, key) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProvMLConfigError(key, `${key} must be ${what}, got ${show(v)}`);
    checkFields(v as Record<string, unknown>, fields, `${key}.`);
  };

const anyOf =
  (what: string, ...alternatives: ReadonlyArray<[test: (v: unknown) => boolean, check: Check]>): Check =>
  (v, key) => {
    for (const [test, check] of alternatives) if (test(v)) return check(v, key);
    throw new ProvMLConfigError(key, `${key} must be ${what}, got ${show(v)}`);
  };

const isString = (v: unknown): boolean => typeof v === 'string';
const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const durability = oneOf('sync', 'batch', 'none');

/** Every option of `ProvML.init`, with the check of its value (objects the user built are not looked into). */
const OPTIONS: Readonly<Record<string, Check>> = {
  thread: oneOf('worker', 'main'),
  store: (v, key) => {
    if (!isPlainObject(v) || typeof (v as { insertQuads?: unknown }).insertQuads !== 'function') {
      throw new ProvMLConfigError(key, `${key} must be an EmbeddedStore (await EmbeddedStore.open(…)), got ${show(v)}`);
    }
  },
  sink: (v, key) => {
    if (!isPlainObject(v) || typeof (v as { write?: unknown }).write !== 'function') throw new ProvMLConfigError(key, `${key} must be a Sink (an object with write(batch)), got ${show(v)}`);
  },
  endpoint: anyOf(
    'a URL, endpoint options ({ url, … }) or a SparqlEndpoint',
    [isString, text],
    [(v) => isPlainObject(v) && typeof (v as { insertQuads?: unknown }).insertQuads === 'function', () => {}],
    [(v) => isPlainObject(v) && typeof (v as { url?: unknown }).url === 'string', () => {}],
  ),
  base: text,
  mode: oneOf('online', 'offline'),
  queueSize: positive(true),
  batchSize: positive(true),
  flushIntervalMs: positive(false),
  fullQueuePolicy: oneOf('spill', 'drop', 'block'),
  journal: anyOf(
    "false, a path, or { path, durability }",
    [(v) => v === false, () => {}],
    [isString, text],
    [isPlainObject, object({ path: text, durability }, '{ path, durability }')],
  ),
  durability,
  deadLetter: text,
  retry: object(
    { maxAttempts: positive(true), initialDelayMs: nonNegative, maxDelayMs: nonNegative, multiplier: positive(false), maxRetryAfterMs: nonNegative },
    '{ maxAttempts, initialDelayMs, maxDelayMs, multiplier, maxRetryAfterMs }',
  ),
  onError: fn,
  logger: (v, key) => {
    if (!isPlainObject(v) || typeof (v as { warn?: unknown }).warn !== 'function') throw new ProvMLConfigError(key, `${key} must be an object with warn(message), got ${show(v)}`);
  },
  files: anyOf('false or { hash, maxHashBytes }', [(v) => v === false, () => {}], [isPlainObject, object({ hash: bool, maxHashBytes: positive(true) }, '{ hash, maxHashBytes }')]),
  environment: bool,
  tracking: oneOf('basic', 'full'),
  environmentVariables: (v, key) => {
    if (!Array.isArray(v)) throw new ProvMLConfigError(key, `${key} must be an array of environment variable names, got ${show(v)}`);
    v.forEach((name: unknown, i) => {
      if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ProvMLConfigError(`${key}[${i}]`, `${key}[${i}] must be an environment variable name (letters, digits, _), got ${show(name)}`);
      }
      if (looksSecret(name)) {
        throw new ProvMLConfigError(`${key}[${i}]`, `${key}[${i}] ${show(name)} looks like it holds a credential; provml does not record such variables`);
      }
    });
  },
  global: bool,
  installExitHooks: bool,
  shutdownTimeoutMs: positive(false),
  fallbackJournal: text,
  validate: bool,
  limits: object({ maxString: positive(true), maxItems: positive(true), maxKeys: positive(true), maxDepth: nonNegative, maxSample: positive(true) }, '{ maxString, maxItems, maxKeys, maxDepth, maxSample }'),
};

/**
 * Throws a {@link ProvMLConfigError} for an unknown key (with the option probably meant) or a bad
 * value. `undefined` values are treated as absent.
 * @internal
 */
export function checkInitOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new ProvMLConfigError('options', `ProvML.init options must be an object, got ${show(options)}`);
  checkFields(options as Record<string, unknown>, OPTIONS, '');
  checkTracking(options as { tracking?: unknown; environment?: unknown; environmentVariables?: unknown });
}

/** Basic tracking records no environment: asking for it (or for variables) is a contradiction, said at init. */
function checkTracking(o: { tracking?: unknown; environment?: unknown; environmentVariables?: unknown }): void {
  const basic = o.tracking === 'basic';
  if (basic && o.environment === true) {
    throw new ProvMLConfigError('environment', "environment: true asks for the environment and code, which tracking: 'basic' leaves out; use tracking: 'full' (the default) or drop environment");
  }
  const noEnvironment = o.environment === false || (basic && o.environment === undefined);
  if (noEnvironment && Array.isArray(o.environmentVariables) && o.environmentVariables.length > 0) {
    throw new ProvMLConfigError(
      'environmentVariables',
      `environmentVariables are recorded with the environment, which ${basic ? "tracking: 'basic'" : 'environment: false'} leaves out; drop them or record the environment`,
    );
  }
}

function checkFields(o: Record<string, unknown>, fields: Readonly<Record<string, Check>>, prefix: string): void {
  for (const key of Object.keys(o)) {
    const check = fields[key];
    if (check === undefined) {
      const known = Object.keys(fields);
      throw new ProvMLConfigError(`${prefix}${key}`, `unknown option ${prefix}${key}${hint(key, known, prefix)} (known: ${known.map((k) => prefix + k).join(', ')})`);
    }
    if (o[key] !== undefined) check(o[key], `${prefix}${key}`);
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (v === null || typeof v !== 'object') return String(v);
  return 'an object';
}

/** ` (did you mean 'journal'?)` when a known name is within a small edit distance of `v`. */
function hint(v: unknown, known: readonly string[], prefix = ''): string {
  if (typeof v !== 'string') return '';
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(v.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean '${prefix}${best}'?)` : '';
}

/** Levenshtein distance (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
