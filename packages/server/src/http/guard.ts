/**
 * The last line of defence of every listener (HTTP request, upgrade, socket message, stream):
 * a throw that escaped a handler is logged once here and answered by closing that one client,
 * never by taking the process down. Until structured logging arrives, one JSON line on stderr.
 */
export function reportError(where: string, error: unknown): void {
  const entry = {
    level: 'error',
    time: new Date().toISOString(),
    msg: `unexpected error in ${where}`,
    err:
      error instanceof Error
        ? { type: error.name, message: error.message, stack: error.stack }
        : { message: String(error) },
  };
  try {
    process.stderr.write(`${JSON.stringify(entry)}\n`);
  } catch {
    // Nothing left to tell.
  }
}
