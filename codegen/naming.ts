/**
 * Naming rules for generated TypeScript.
 *
 * - Fields: the property's local name in camelCase (`prov:startedAtTime` → `startedAtTime`). When
 *   that name is already taken in the class (inherited, reserved, or a higher-ranked property —
 *   provml before prov before mls), the namespace prefix is put in front: `mls:executes` next to
 *   `provml:executes` becomes `mlsExecutes`.
 * - Classes: the local name in PascalCase; a clash (or the runtime's own `Resource`) is resolved
 *   the same way: `ProvPlan`.
 */

/**
 * Names a generated instance may not use: members of the runtime base class and of
 * `Object.prototype` (a `valueOf` string field would break `+x` and `x < y`), so `provml:valueOf`
 * becomes `provmlValueOf`.
 */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set([
  'iri', 'toQuads', 'constructor', '__proto__', 'valueOf', 'toString', 'toLocaleString', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);
/** Names a generated class may not use. */
export const RESERVED_CLASSES: ReadonlySet<string> = new Set(['Resource', 'Object', 'Date', 'Function', 'Error', 'Array', 'Map', 'Set', 'Symbol', 'Promise']);

function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
}

/** `foo-bar_baz` → `fooBarBaz`; a leading digit gets an `_`. */
export function camelCase(name: string): string {
  const w = words(name);
  if (w.length === 0) return '_';
  const [head, ...tail] = w;
  const out = head!.charAt(0).toLowerCase() + head!.slice(1) + tail.map(upperFirst).join('');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** `foo-bar` → `FooBar`; a leading digit gets an `_`. */
export function pascalCase(name: string): string {
  const out = words(name).map(upperFirst).join('') || '_';
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether `name` can be written as a bare object key / identifier. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/**
 * Picks a name not in `taken`: `bare` if free, else `prefix + Bare`, else with a number appended.
 * The chosen name is added to `taken`.
 */
export function pickName(bare: string, prefix: string | null, taken: Set<string>, pascal = false): string {
  const prefixed = prefix === null ? bare : pascal ? pascalCase(prefix) + bare : prefix + upperFirst(bare);
  let name = !taken.has(bare) ? bare : prefixed;
  for (let i = 2; taken.has(name); i++) name = `${prefixed}${i}`;
  taken.add(name);
  return name;
}
