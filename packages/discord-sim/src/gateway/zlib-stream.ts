/**
 * `compress=zlib-stream`: one deflate context for the whole connection; every payload ends with a sync flush so
 * that its last four bytes are 00 00 ff ff, which is how clients find message boundaries.
 */
import { constants, createDeflate } from 'node:zlib';
import type { Deflate } from 'node:zlib';

export class ZlibStream {
  private readonly deflate: Deflate = createDeflate({ chunkSize: 64 * 1024 });
  private chunks: Buffer[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor() {
    this.deflate.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.deflate.on('error', () => undefined);
  }

  /** Compresses payloads strictly in order; each promise holds exactly one payload's bytes. */
  compress(payload: string): Promise<Buffer> {
    const next = this.tail.then(
      () =>
        new Promise<Buffer>((resolve) => {
          this.deflate.write(payload);
          this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
            const out = Buffer.concat(this.chunks);
            this.chunks = [];
            resolve(out);
          });
        }),
    );
    this.tail = next;
    return next;
  }

  close(): void {
    this.deflate.close();
  }
}
