/**
 * The recent output of one terminal, replayed when a page (re)opens it. A fixed-size ring of bytes:
 * memory stays at `capacity` however much a shell prints.
 */
export class Scrollback {
  private readonly buf: Buffer;
  /** Index of the next byte to write. */
  private head = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('scrollback capacity must be a positive integer');
    this.buf = Buffer.alloc(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(data: string | Buffer): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length >= this.capacity) {
      // Only the tail survives: copy it in one go.
      bytes.copy(this.buf, 0, bytes.length - this.capacity);
      this.head = 0;
      this.length = this.capacity;
      return;
    }
    const first = Math.min(bytes.length, this.capacity - this.head);
    bytes.copy(this.buf, this.head, 0, first);
    if (first < bytes.length) bytes.copy(this.buf, 0, first);
    this.head = (this.head + bytes.length) % this.capacity;
    this.length = Math.min(this.capacity, this.length + bytes.length);
  }

  /** The kept bytes, oldest first. */
  bytes(): Buffer {
    if (this.length < this.capacity) return Buffer.from(this.buf.subarray(this.head - this.length, this.head));
    return Buffer.concat([this.buf.subarray(this.head), this.buf.subarray(0, this.head)]);
  }

  /**
   * The kept output as text. Where old bytes were overwritten the start may fall inside a UTF-8
   * character; those orphaned continuation bytes are dropped rather than shown as U+FFFD.
   */
  text(): string {
    const bytes = this.bytes();
    let start = 0;
    while (start < bytes.length && start < 4 && (bytes[start]! & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }
}
