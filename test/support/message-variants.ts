/**
 * Hostile variants of protocol messages for the fast-path checks' tests: each base message,
 * then each with one key deleted, set to an odd value, or one key added — at the top level
 * and one level down under `nested` — plus one carrying an inherited key.
 */
export function messageVariants(bases: Record<string, unknown>[], odd: unknown[], nested: string): unknown[] {
  const out: unknown[] = [];
  for (const base of bases) {
    out.push(base);
    const mutate = (obj: Record<string, unknown>, wrap: (o: Record<string, unknown>) => unknown) => {
      for (const key of [...Object.keys(obj), 'extra']) {
        const { [key]: _dropped, ...without } = obj;
        out.push(wrap(without));
        for (const value of odd) out.push(wrap({ ...obj, [key]: value }));
      }
    };
    mutate(base, (o) => o);
    const inner = base[nested] as Record<string, unknown> | undefined;
    if (inner) mutate(inner, (o) => ({ ...base, [nested]: o }));
  }
  out.push(Object.assign(Object.create({ inherited: 1 }), bases[0]));
  return out;
}
