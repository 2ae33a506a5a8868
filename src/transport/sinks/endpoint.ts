import type { SparqlEndpoint } from '../../store/endpoint.js';
import type { QuadBatch, Sink } from '../sink.js';

/**
 * Options of {@link EndpointSink}.
 *
 * @example
 * ```ts
 * new EndpointSink(endpoint, { closeEndpoint: true });
 * ```
 */
export interface EndpointSinkOptions {
  /** Close the endpoint (its connection pool) when the tracker shuts down (default `true`). */
  closeEndpoint?: boolean;
  /** Name shown in logs and `onError` (default `endpoint:<origin>`, credentials stripped). */
  name?: string;
}

function originOf(endpoint: SparqlEndpoint): string {
  const url = (endpoint as { url?: unknown }).url;
  if (typeof url !== 'string') return endpoint.constructor?.name || 'custom';
  try {
    return new URL(url).origin; // origin never carries userinfo
  } catch {
    return '<invalid URL>';
  }
}

/**
 * A sink that writes each batch into any {@link SparqlEndpoint} (an `HttpSparqlEndpoint`, an
 * `EmbeddedStore`, …) with one `insertQuads(batch.nquads)` call: batches carry their own named
 * graphs. Failures reject with the endpoint's error (a `SparqlHttpError` says whether it is
 * `retryable`), and the transport retries, journals or dead-letters the batch.
 *
 * @example
 * ```ts
 * const endpoint = new HttpSparqlEndpoint({ url: 'http://localhost:8890/sparql' });
 * const transport = new Transport({ recorder, sink: new EndpointSink(endpoint) });
 * ```
 */
export class EndpointSink implements Sink {
  readonly name: string;
  readonly endpoint: SparqlEndpoint;
  readonly #close: boolean;

  constructor(endpoint: SparqlEndpoint, options: EndpointSinkOptions = {}) {
    this.endpoint = endpoint;
    this.name = options.name ?? `endpoint:${originOf(endpoint)}`;
    this.#close = options.closeEndpoint ?? true;
  }

  async write(batch: QuadBatch): Promise<void> {
    if (batch.size === 0) return;
    await this.endpoint.insertQuads(batch.nquads);
  }

  async close(): Promise<void> {
    if (this.#close) await this.endpoint.close();
  }
}
