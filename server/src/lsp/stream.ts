// LSP frames from a byte stream (stdin), strictly: `Content-Length: N\r\n\r\n` and N bytes of a JSON message.
// The library's reader, given a frame it cannot read, reports it and then waits for bytes that will never
// make sense (a missing or non-numeric length), or buffers whatever arrives for a length of a terabyte, so
// the server stays alive and deaf and the editor never restarts it. Here every such frame is an error the
// server ends on (main.ts), as is the end of the stream; nothing is buffered beyond the limits below.

import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-languageserver/node.js';

/**
 * The largest frame read. VS Code syncs files up to 50 MB to extensions (Neovim any size); a 50 MB text,
 * JSON-escaped (`\n`, `\"`, `\\`), needs more than 50 MB, so the bound leaves room. A frame this size costs
 * about three times its size while it is read (the bytes, the string, the parsed text): 120 MB peaked at 575 MB.
 */
export const MAX_FRAME_BYTES = 128 * 1024 * 1024;
/** Headers are a line or two; this many bytes without the blank line that ends them is not LSP. */
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class FramedMessageReader extends AbstractMessageReader {
  /** Bytes received and not yet read, in arrival order: a big body is joined once, when it is complete. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length of the frame being read; -1 while its headers are. */
  private bodyLength = -1;
  private failed = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => this.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, callback);
    const onEnd = () => this.fireClose();
    const onError = (error: unknown) => this.fail(`the input stream failed: ${error instanceof Error ? error.message : String(error)}`);
    this.input.on('data', onData);
    this.input.on('end', onEnd);
    this.input.on('close', onEnd);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('end', onEnd);
        this.input.off('close', onEnd);
        this.input.off('error', onError);
      },
    };
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    this.fireError(new Error(reason));
  }

  private receive(chunk: Buffer, callback: DataCallback): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.failed) {
      if (this.bodyLength < 0) {
        if (!this.readHeaders()) return;
      } else {
        if (this.buffered < this.bodyLength) return;
        const body = this.take(this.bodyLength);
        this.bodyLength = -1;
        const message = this.decode(body);
        if (message) callback(message);
      }
    }
  }

  /** The bytes received so far as one buffer (headers are small; a body is joined only when complete). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(n: number): Buffer {
    const all = this.joined();
    // A few bytes left of a big frame are copied, so that they do not keep the frame's memory alive.
    const rest = all.length - n < all.length / 2 ? Buffer.from(all.subarray(n)) : all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }

  /** Reads a complete header block into bodyLength; false when more bytes are needed. */
  private readHeaders(): boolean {
    const bytes = this.joined();
    const end = bytes.subarray(0, MAX_HEADER_BYTES + HEADER_END.length).indexOf(HEADER_END);
    if (end < 0) {
      if (bytes.length > MAX_HEADER_BYTES) this.fail(`no end of headers within ${MAX_HEADER_BYTES} bytes`);
      return false;
    }
    const length = frameLength(this.take(end + HEADER_END.length).toString('ascii', 0, end), this.maxFrameBytes);
    if (typeof length === 'string') {
      this.fail(length);
      return false;
    }
    this.bodyLength = length;
    return true;
  }

  /** A body that is not one JSON value was cut short or overrun (a wrong Content-Length): the stream is lost. */
  private decode(body: Buffer): Message | undefined {
    try {
      return JSON.parse(body.toString('utf8')) as Message;
    } catch (error) {
      this.fail(`a ${body.length}-byte body that is not JSON (a wrong Content-Length?): ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

/** The body length a header block announces, or what is wrong with it. */
export function frameLength(block: string, max: number): number | string {
  let length: string | undefined;
  for (const line of block.split('\r\n')) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return `a malformed header line: ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-length') length = line.slice(colon + 1).trim();
  }
  if (length === undefined) return `a frame without Content-Length (headers: ${JSON.stringify(block.slice(0, 200))})`;
  if (!/^\d{1,15}$/.test(length)) return `a Content-Length that is not a number: ${JSON.stringify(length.slice(0, 80))}`;
  const n = Number(length);
  return n > max ? `a Content-Length of ${n} bytes, over the limit of ${max}` : n;
}
