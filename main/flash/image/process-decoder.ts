import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

/**
 * A system decompressor (`xz -dc`, `bzip2 -dc`, `zstd -dc`) as a Duplex stream: compressed bytes
 * in through its stdin, raw bytes out of its stdout. The output ends only after the tool exited
 * with status 0, so a damaged or cut-short archive always ends in an error, never in a short
 * image that looks complete.
 */
export class ProcessDecoder extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private exited = false;

  constructor(
    readonly command: string,
    args: readonly string[],
  ) {
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.child.stdout.pause();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    // Writing to a tool that already stopped fails with EPIPE; its exit status tells why.
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.destroy(error));
    this.child.on('close', (code, signal) => {
      this.exited = true;
      if (code === 0) {
        this.push(null);
      } else {
        this.destroy(
          new Error(
            firstLine(this.stderr) || (signal ? `killed by ${signal}` : `exit status ${code}`),
          ),
        );
      }
    });
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.exited) return callback();
    if (this.child.stdin.write(chunk)) callback();
    else this.child.stdin.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end();
    callback();
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.exited) this.child.kill();
    callback(error);
  }
}

/** The tool's first complaint, without its "xz: (stdin): " style prefixes. */
function firstLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim()) ?? '';
  return line
    .trim()
    .replace(/^[^\s:]+:\s*/, '')
    .replace(/^(\(stdin\)|\/\*stdin\*\\)\s*:\s*/, '')
    .replace(/;$/, '');
}
