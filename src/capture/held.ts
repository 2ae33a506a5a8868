/**
 * Executions an integration has seen end but holds back, to record several at once (the TF.js
 * callback's batch groups: integrations/tfjs/group.ts). Whoever holds some registers how to
 * release them; the tracker releases everything held before it flushes, shuts down or settles
 * at exit, so that a group held when the process ends is recorded, not lost.
 *
 * @module
 */

const holders = new Set<() => void>();

/** While something is held: `release` records it (and must not throw). Returns the unregister. @internal */
export function holdUntilRelease(release: () => void): () => void {
  holders.add(release);
  return () => holders.delete(release);
}

/** Record everything held now (before a flush, a shutdown, the settle at exit). Never throws. @internal */
export function releaseHeld(): void {
  for (const release of [...holders]) {
    try {
      release();
    } catch {
      /* a holder's own failure: it reports it itself */
    }
  }
}

/** True while some execution is held. @internal */
export function holdingAny(): boolean {
  return holders.size > 0;
}
