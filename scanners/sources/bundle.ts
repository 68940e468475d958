import type { FileBundle, ScanTask } from './scan-file.js';

const BUNDLE_BYTES = 4 * 1024 * 1024;
const BUNDLE_FILES = 512;

/**
 * Packs small in-memory files into bundles of a few megabytes, so a layer of thousands of small files
 * costs a few hundred messages to the workers instead of thousands. Each file's bytes are copied
 * straight into the bundle's buffer as soon as it is added: the caller may reuse its buffers right away,
 * and no per-file allocation is left for the collector.
 */
export class Bundler {
  private buffer: Uint8Array | undefined;
  private files: FileBundle['files'] = [];
  private size = 0;

  constructor(private readonly submit: (task: ScanTask) => Promise<void>) {}

  async add(data: Uint8Array, rel: string, key: string): Promise<void> {
    if (
      this.files.length > 0 &&
      (this.size + data.length > BUNDLE_BYTES || this.files.length >= BUNDLE_FILES)
    ) {
      await this.flush();
    }
    // A file larger than a bundle gets a buffer of its own size and travels alone.
    this.buffer ??= new Uint8Array(Math.max(BUNDLE_BYTES, data.length));
    this.buffer.set(data, this.size);
    this.size += data.length;
    this.files.push({ rel, key, end: this.size });
  }

  async flush(): Promise<void> {
    const first = this.files[0];
    if (!first || !this.buffer) return;
    // The pool moves the whole underlying buffer to the worker; the view says how much of it is used.
    const bundle: FileBundle = { data: this.buffer.subarray(0, this.size), files: this.files };
    this.buffer = undefined;
    this.files = [];
    this.size = 0;
    await this.submit({ bundle, rel: first.rel, key: first.key });
  }
}
