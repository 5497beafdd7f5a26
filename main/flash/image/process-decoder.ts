import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Duplex, Writable } from 'node:stream';

/** A system decompressor: the command and its arguments (read stdin, write stdout). */
export interface ToolCommand {
  command: string;
  args: readonly string[];
}

/**
 * One run of a system decompressor: compressed bytes go into its stdin; `exited` settles when
 * it stopped, rejecting with its first complaint unless it exited with status 0. A damaged or
 * cut-short archive therefore always ends in an error, never in a short image that looks complete.
 */
class ToolRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<void>;
  done = false;
  private stderr = '';

  /** `stdin`: 'pipe' (compressed bytes are written to it), or an open file it reads itself. */
  constructor(tool: ToolCommand, stdout: 'pipe' | number, stdin: 'pipe' | number = 'pipe') {
    this.child = spawn(tool.command, tool.args, {
      stdio: [stdin, stdout, 'pipe'],
      windowsHide: true,
    }) as ChildProcessWithoutNullStreams;
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    // Writing to a tool that already stopped fails with EPIPE; its exit status tells why.
    (this.child.stdin as Writable | null)?.on('error', () => {});
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', (error) => {
        this.done = true;
        reject(error);
      });
      this.child.on('close', (code, signal) => {
        this.done = true;
        if (code === 0) return resolve();
        const why = signal ? `killed by ${signal}` : `exit status ${code}`;
        reject(new Error(firstLine(this.stderr) || why));
      });
    });
    this.exited.catch(() => {}); // observed by the stream that owns this run
  }

  write(chunk: Buffer, callback: () => void): void {
    if (this.done) return callback();
    if (this.child.stdin.write(chunk)) callback();
    else this.child.stdin.once('drain', () => callback());
  }

  stop(): void {
    if (!this.done) this.child.kill();
  }
}

/**
 * A system decompressor (`xz -dc`, `bzip2 -dc`, `zstd -dc`) as a Duplex stream: compressed bytes
 * in through its stdin, raw bytes out of its stdout. The output ends only after the tool exited
 * with status 0.
 */
export class ProcessDecoder extends Duplex {
  private readonly run: ToolRun;

  constructor(command: string, args: readonly string[]) {
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    this.run = new ToolRun({ command, args }, 'pipe');
    this.run.child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.run.child.stdout.pause();
    });
    this.run.exited.then(
      () => this.push(null),
      (error: Error) => this.destroy(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.run.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.run.child.stdin.end();
    callback();
  }

  override _read(): void {
    this.run.child.stdout.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.run.stop();
    callback(error);
  }
}

/**
 * A system decompressor that writes the raw image itself, into an open file (its stdout): no
 * decompressed byte passes through this process, and the tool leaves all-zero stretches as holes
 * (xz and `zstd --sparse` do so when stdout is a regular file). A Writable of compressed bytes
 * that finishes when the tool exited with status 0.
 */
export class FileWritingDecoder extends Writable {
  private readonly run: ToolRun;

  constructor(tool: ToolCommand, outputFd: number) {
    super({ highWaterMark: 1 << 20 });
    this.run = new ToolRun(tool, outputFd);
    this.run.exited.catch((error: Error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.run.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.run.child.stdin.end();
    this.run.exited.then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.run.stop();
    callback(error);
  }
}

/**
 * A system decompressor that reads the archive itself (its stdin is the open archive) and
 * writes the raw image itself (its stdout is the open output file): nothing passes through this
 * process. Piping the archive through it instead costs CPU that a first card's decompression
 * needs (0.4–0.8 s per 234 MiB of .xz on a 2-core VM). `exited` as for FileWritingDecoder.
 */
export class FileToFileDecoder {
  private readonly run: ToolRun;
  readonly exited: Promise<void>;

  constructor(tool: ToolCommand, inputFd: number, outputFd: number) {
    this.run = new ToolRun(tool, outputFd, inputFd);
    this.exited = this.run.exited;
  }

  /**
   * How many bytes of the archive the tool has read: its stdin's offset, from
   * /proc/<pid>/fdinfo/0 (Linux). Null where that cannot be read (another system, or it exited).
   */
  async consumed(): Promise<number | null> {
    const pid = this.run.child.pid;
    if (pid === undefined || this.run.done) return null;
    try {
      const info = await readFile(`/proc/${pid}/fdinfo/0`, 'utf8');
      const pos = /^pos:\s*(\d+)$/m.exec(info);
      return pos ? Number(pos[1]) : null;
    } catch {
      return null;
    }
  }

  stop(): void {
    this.run.stop();
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
