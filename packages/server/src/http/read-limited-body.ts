import type { IncomingMessage } from 'node:http';

/**
 * A request's body, or 'too-large' as soon as it passes `maxBytes`: the bytes past the limit
 * are never buffered, and reading stops there (the caller refuses with Connection: close, so
 * the rest is not read either). Rejects when the client goes away mid-body.
 */
export function readBodyUpTo(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        stop();
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      if (!req.complete) reject(new Error('The client closed the request before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
