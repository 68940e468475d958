import type { FileBundle, ScanTask } from './scan-file.js';

const BUNDLE_BYTES = 4 * 1024 * 1024;
const BUNDLE_FILES = 512;

/**
 * Packs small in-memory files into bundles of a few megabytes, so a layer of thousands of small files
 * costs a few hundred messages to the workers instead of thousands. Each file's bytes are copied in as
 * soon as it is added: the caller may reuse its buffers right away.
 */
export class Bundler {
  private files: { data: Uint8Array; rel: string; key: string }[] = [];
  private size = 0;

  constructor(private readonly submit: (task: ScanTask) => Promise<void>) {}

  async add(data: Uint8Array, rel: string, key: string): Promise<void> {
    if (
      this.files.length > 0 &&
      (this.size + data.length > BUNDLE_BYTES || this.files.length >= BUNDLE_FILES)
    ) {
      await this.flush();
    }
    this.files.push({ data: data.slice(), rel, key });
    this.size += data.length;
  }

  async flush(): Promise<void> {
    if (this.files.length === 0) return;
    const files = this.files;
    this.files = [];
    const data = new Uint8Array(this.size);
    this.size = 0;
    const entries: FileBundle['files'] = [];
    let end = 0;
    for (const file of files) {
      data.set(file.data, end);
      end += file.data.length;
      entries.push({ rel: file.rel, key: file.key, end });
    }
    const first = entries[0] as FileBundle['files'][number];
    await this.submit({ bundle: { data, files: entries }, rel: first.rel, key: first.key });
  }
}
