/** A single self-overwriting status line on stderr; silent unless stderr is a terminal. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  update(files: number, bytes: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`\r\x1b[Kscanning… ${files} files, ${(bytes / 1024 ** 2).toFixed(1)} MB`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}
