/** DataLoader batch functions must answer in key order: one result (or null) per key. */
export function orderByKeys<T, K>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(String(keyOf(row)), row);
  return keys.map((key) => byKey.get(String(key)) ?? null);
}

/** One-to-many: the rows belonging to each key, in key order. */
export function groupByKeys<T, K>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const key = String(keyOf(row));
    const group = byKey.get(key);
    if (group) group.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(String(key)) ?? []);
}
