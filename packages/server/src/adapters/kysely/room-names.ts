/**
 * What makes two public room names the same: case and Unicode compatibility forms folded, so
 * "Design", "design" and "ｄｅｓｉｇｎ" are one name. Computed here rather than with SQL's lower(),
 * which folds only ASCII on SQLite and all of Unicode on PostgreSQL.
 */
export function publicNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}
