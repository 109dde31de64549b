/** See server-bundle.mjs. */
export declare const serverBundleOptions: {
  splitting: true;
  chunkNames: string;
  bundle: true;
  platform: 'node';
  target: string;
  format: 'esm';
  banner: { js: string };
  logLevel: 'warning';
  write: false;
};

export declare function writeAscii(
  outputFiles: readonly { path: string; text: string; contents: Uint8Array }[],
  isCode: (path: string) => boolean,
): Promise<void>;
