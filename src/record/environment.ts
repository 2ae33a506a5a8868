import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
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

/** Where a work tree's git data lives: HEAD in `gitDir`, branches and config in `commonDir` (they differ in linked worktrees). */
interface GitDirs {
  workTree: string;
  gitDir: string;
  commonDir: string;
}

/**
 * The git repository holding `start`: the nearest `.git` — a directory, or a file pointing to one
 * (`gitdir: …`, as linked worktrees and submodules have) — walking up at most 32 levels.
 */
async function findGit(start: string): Promise<GitDirs | undefined> {
  let dir = start;
  for (let i = 0; i < 32; i++) {
    const dotGit = join(dir, '.git');
    let gitDir: string | undefined;
    try {
      const st = await stat(dotGit);
      if (st.isDirectory()) gitDir = dotGit;
      else if (st.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
        if (m) gitDir = resolve(dir, m[1]!);
      }
    } catch {
      // no .git here
    }
    if (gitDir !== undefined) {
      try {
        await stat(join(gitDir, 'HEAD'));
        let commonDir = gitDir;
        try {
          commonDir = resolve(gitDir, (await readFile(join(gitDir, 'commondir'), 'utf8')).trim());
        } catch {
          // a main work tree: refs live beside HEAD
        }
        return { workTree: dir, gitDir, commonDir };
      } catch {
        // not a repository after all: keep looking above
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** HEAD of a repository: the branch it is on (`refs/heads/…`), or a detached commit. */
async function readHead(git: GitDirs): Promise<{ ref?: string; commit?: string }> {
  const head = (await readFile(join(git.gitDir, 'HEAD'), 'utf8')).trim();
  if (head.startsWith('ref: ')) {
    const ref = head.slice(5).trim();
    const commit = (await readRef(git.gitDir, ref)) ?? (git.commonDir !== git.gitDir ? await readRef(git.commonDir, ref) : undefined);
    return commit ? { ref, commit } : { ref };
  }
  return /^[0-9a-f]{40,64}$/.test(head) ? { commit: head } : {};
}

/** Reads HEAD (and the origin URL) from the nearest git repository without spawning git. */
async function gitFacts(start: string): Promise<{ commit?: string; repository?: string }> {
  const git = await findGit(start);
  if (!git) return {};
  const out: { commit?: string; repository?: string } = {};
  try {
    const head = await readHead(git);
    if (head.commit) out.commit = head.commit;
  } catch {
    return {};
  }
  const repository = await originUrl(git.commonDir, git.workTree);
  if (repository) out.repository = repository;
  return out;
}

/**
 * The state of the work tree an entry script lives in: the branch checked out, and whether
 * tracked files have uncommitted changes.
 */
export interface GitState {
  /** The branch HEAD is on (`main`, `feature/x`); absent on a detached HEAD. */
  branch?: string;
  /** Uncommitted changes to tracked files (staged or not); absent when git could not tell in time. */
  dirty?: boolean;
}

/**
 * Branch and dirty flag of the git work tree holding `start` (a directory); `{}` outside one. The
 * branch is read from `.git` directly; the dirty flag comes from one `git status --porcelain
 * --untracked-files=no` run, killed after `timeoutMs`: untracked files do not count (a journal or
 * model the run writes itself must not make the next run's tree dirty), and `GIT_OPTIONAL_LOCKS=0`
 * keeps it from writing the index, which a concurrent git command may hold. Never rejects.
 *
 * @example
 * ```ts
 * const { branch, dirty } = await describeGitState(process.cwd()); // { branch: 'main', dirty: false }
 * ```
 */
export async function describeGitState(start: string, timeoutMs = 2000): Promise<GitState> {
  const git = await findGit(start);
  if (!git) return {};
  const out: GitState = {};
  try {
    const head = await readHead(git);
    if (head.ref?.startsWith('refs/heads/')) out.branch = head.ref.slice('refs/heads/'.length);
  } catch {
    // unreadable HEAD: no branch
  }
  const dirty = await gitDirty(git.workTree, timeoutMs);
  if (dirty !== undefined) out.dirty = dirty;
  return out;
}

/** `true` as soon as `git status` prints a changed tracked file; `undefined` without git, on error or timeout. */
function gitDirty(workTree: string, timeoutMs: number): Promise<boolean | undefined> {
  return new Promise((done) => {
    let settled = false;
    let changed = false;
    let child: ReturnType<typeof spawn>;
    const finish = (v: boolean | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(v);
    };
    const timer = setTimeout(() => {
      child?.kill('SIGKILL');
      finish(changed ? true : undefined);
    }, timeoutMs);
    try {
      child = spawn('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: workTree,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'ignore'],
        windowsHide: true,
      });
    } catch {
      finish(undefined);
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.length === 0 || changed) return;
      changed = true; // one changed file is enough: stop reading
      child.kill();
    });
    child.on('error', () => finish(undefined));
    child.on('close', (code) => finish(changed ? true : code === 0 ? false : undefined));
  });
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
