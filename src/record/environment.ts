import { readFile } from 'node:fs/promises';
import { arch, cpus, hostname, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { storageUrlOf } from './files.js';

/**
 * Code and environment capture (Pegasus-style reproducibility facts), gathered once per process in
 * the background: runtime, OS, host, CPU count, the versions of the packages the user's project
 * depends on, and the entry script with its checksum and git commit when available.
 */
export interface EnvironmentFacts {
  runtime: string;
  operatingSystem: string;
  hostName: string;
  cpuCount: number;
  /** `name@version`, sorted. */
  packages: string[];
}

/** The code an execution ran. */
export interface SourceFacts {
  /** Absolute, percent-encoded `file:` URL of the entry script. */
  storageUrl: string;
  checksum?: string;
  commit?: string;
  /** The `origin` remote: a URL as configured (credentials removed), a local path as its `file:` URL. */
  repository?: string;
}

/** Gathers environment facts; never rejects. */
export async function describeEnvironment(cwd = process.cwd()): Promise<EnvironmentFacts> {
  return {
    runtime: `node ${process.version}`,
    operatingSystem: `${platform()} ${release()} ${arch()}`,
    hostName: hostname(),
    cpuCount: cpus().length,
    packages: await dependencyVersions(cwd),
  };
}

/** Describes the entry script (`process.argv[1]`); undefined when there is none (REPL, -e). */
export async function describeSource(script = process.argv[1]): Promise<SourceFacts | undefined> {
  if (!script) return undefined;
  const path = resolve(script);
  const facts: SourceFacts = { storageUrl: storageUrlOf(path) };
  try {
    facts.checksum = createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    // Entry may be a loader shim or deleted; the URL alone still identifies it.
  }
  const git = await gitFacts(dirname(path));
  if (git.commit) facts.commit = git.commit;
  if (git.repository) facts.repository = git.repository;
  return facts;
}

async function dependencyVersions(cwd: string): Promise<string[]> {
  try {
    const pkg = JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).slice(0, 200);
    const versions = await Promise.all(
      names.map(async (name) => {
        try {
          const dep = JSON.parse(await readFile(join(cwd, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
          return dep.version ? `${name}@${dep.version}` : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return versions.filter((v): v is string => v !== undefined).sort();
  } catch {
    return [];
  }
}

/** Reads HEAD (and the origin URL) from the nearest .git directory without spawning git. */
async function gitFacts(start: string): Promise<{ commit?: string; repository?: string }> {
  let dir = start;
  for (let i = 0; i < 32; i++) {
    const gitDir = join(dir, '.git');
    try {
      const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
      const out: { commit?: string; repository?: string } = {};
      if (head.startsWith('ref: ')) {
        const ref = head.slice(5);
        out.commit = await readRef(gitDir, ref);
      } else if (/^[0-9a-f]{40,64}$/.test(head)) {
        out.commit = head;
      }
      const repository = await originUrl(gitDir, dir);
      if (repository) out.repository = repository;
      return out;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return {};
      dir = parent;
    }
  }
  return {};
}

async function readRef(gitDir: string, ref: string): Promise<string | undefined> {
  try {
    return (await readFile(join(gitDir, ref), 'utf8')).trim();
  } catch {
    try {
      const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8');
      const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
      return line?.split(' ')[0];
    } catch {
      return undefined; // a fresh repository with no commit yet
    }
  }
}

async function originUrl(gitDir: string, worktree: string): Promise<string | undefined> {
  try {
    const config = await readFile(join(gitDir, 'config'), 'utf8');
    const m = /\[remote "origin"\][^[]*?\n[ \t]*url[ \t]*=[ \t]*([^\r\n]*)/.exec(config);
    const url = m?.[1] === undefined ? undefined : configValue(m[1]);
    // Never record credentials embedded in a remote URL.
    return url === undefined ? undefined : repositoryUrl(url.replace(/\/\/[^/@]+@/, '//'), worktree);
  } catch {
    return undefined;
  }
}

/** A git config value: `"quoted"` (with `\\` escapes), or bare up to a `#`/`;` comment, trimmed. */
function configValue(raw: string): string | undefined {
  const v = raw.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(v);
  const out = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : v.replace(/\s+[#;].*$/, '').trim();
  return out === '' ? undefined : out;
}

/**
 * A git remote as recorded in `provml:codeRepository`: URLs (`https:`, `ssh:`, `file:`…) and
 * git's scp-like `[user@]host:path` stay as they are (a `file:` URL normalised); a local path —
 * relative ones resolved against the work tree — becomes its absolute, percent-encoded `file://`
 * URL, as for data references.
 *
 * @example
 * ```ts
 * repositoryUrl('https://github.com/o/r.git', '/src/app'); // 'https://github.com/o/r.git'
 * repositoryUrl('git@github.com:o/r.git', '/src/app');     // 'git@github.com:o/r.git'
 * repositoryUrl('../mirror repo', '/src/app');             // 'file:///src/mirror%20repo'
 * ```
 */
export function repositoryUrl(remote: string, worktree: string): string {
  if (remote.startsWith('file:')) return storageUrlOf(remote);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(remote)) return remote;
  const colon = remote.indexOf(':');
  const slash = remote.search(/[/\\]/);
  if (colon > 1 && (slash === -1 || colon < slash)) return remote; // scp-like host:path (C:\… is a drive letter)
  return pathToFileURL(resolve(worktree, remote)).href;
}
