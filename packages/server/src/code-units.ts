/**
 * Orders strings by their UTF-16 code units, as SQLite's BINARY collation and a plain `<` do.
 * Not `localeCompare`: that is ICU collation, which loads ICU's collation data into the process
 * at its first use (and keeps it resident), and orders by language rules rather than by the
 * bytes the database compares.
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
