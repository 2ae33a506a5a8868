// Minimal typings for the parts of `jsonld` (digitalbazaar/jsonld.js, no bundled types) used by
// src/docs/jsonld.ts.
declare module 'jsonld' {
  interface JsonLdOptions {
    /** Loads remote documents; the docs generator refuses every remote load. */
    documentLoader?: (url: string) => Promise<never>;
    format?: 'application/n-quads';
    useNativeTypes?: boolean;
  }
  const jsonld: {
    fromRDF(input: string, options: JsonLdOptions): Promise<object[]>;
    compact(input: object, context: Record<string, unknown>, options?: JsonLdOptions): Promise<Record<string, unknown>>;
    toRDF(input: object, options: JsonLdOptions): Promise<string>;
  };
  export default jsonld;
}
