// A one-file tar archive (ustar), which is what the Engine API's "put archive"
// call takes to copy a file into a container. Small enough to write here
// rather than depend on a tar library for one header.

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, length, 'utf8');
}

const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;

/** A tar holding `name` (no directories) with `content`, mode 0644 unless given. */
export function tarOneFile(name: string, content: Buffer, mode = 0o644, mtime = Math.floor(Date.now() / 1000)): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(512, 0);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(mode, 8));
  field(header, 108, 8, octal(0, 8));
  field(header, 116, 8, octal(0, 8));
  field(header, 124, 12, octal(content.length, 12));
  field(header, 136, 12, octal(mtime, 12));
  // The checksum is computed with its own field read as eight spaces.
  field(header, 148, 8, '        ');
  header[156] = '0'.charCodeAt(0);
  field(header, 257, 6, 'ustar\0');
  field(header, 263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  // Two empty blocks end the archive.
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}
