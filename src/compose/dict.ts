// The untyped model the pipeline steps pass along before it becomes a typed Project:
// plain objects, arrays and scalars, as YAML gives them.
export type Dict = Record<string, unknown>;
export type ModelPath = Array<string | number>;

export function isDict(v: unknown): v is Dict {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asDict(v: unknown): Dict {
  return isDict(v) ? v : {};
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => deepClone(e)) as T;
  if (isDict(v)) {
    const out: Dict = {};
    for (const [k, e] of Object.entries(v)) out[k] = deepClone(e);
    return out as T;
  }
  return v;
}

/** Does `path` match `pattern`, where `*` matches any one segment? */
export function matches(path: ModelPath, pattern: string[]): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*' && pattern[i] !== String(path[i])) return false;
  }
  return true;
}

/** Go's fmt.Sprint for the scalars YAML produces (used where Compose stringifies values). */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatGoFloat(v);
  return String(v);
}

/** strconv.FormatFloat(f, 'g', -1, 64), the way Go prints numbers in YAML and fmt. */
export function formatGoFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const ev = Number(e);
    return `${m}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  }
  return String(n);
}
