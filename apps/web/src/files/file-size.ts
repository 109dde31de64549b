const UNITS = ['KB', 'MB', 'GB'] as const;

/**
 * A size as people read it: "512 bytes", "2.4 MB", "50 MB". Units are powers of 1024 (as the
 * limits are: LIMITS.fileMaxBytes is 50 MiB and reads "50 MB"); one decimal below 10.
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KB would round to "1024 KB": say "1 MB" instead.
  if (Math.round(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}
