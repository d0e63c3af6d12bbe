// The one tar of loadctl, the smallest the Engine API's archive endpoints need:
// write a few regular files into one archive (the runners' bundle, the stack's
// service entry copied into a container), and read one file back out of what
// the engine returns (a runner's summary). ustar, regular files and
// directories only, rather than a tar library for one header. Pure: buffers
// in, buffers out.

const BLOCK = 512;

function header(name: string, size: number, mode = 0o644, type = '0'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar: name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'utf8');
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108); // uid
  h.write('0000000\0', 116); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148); // checksum counts as spaces while summing
  h.write(type, 156); // '0' regular file, '5' directory
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** An archive of `dirs` (made world-writable: k6 may run as another user) and `files` (name -> content). */
export function tarFiles(files: Record<string, Buffer | string>, dirs: readonly string[] = []): Buffer {
  const parts: Buffer[] = dirs.map((d) => header(d.endsWith('/') ? d : `${d}/`, 0, 0o777, '5'));
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    parts.push(header(name, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** The first regular file in an archive (the engine wraps a single file in one), or undefined. */
export function firstFile(archive: Buffer): { name: string; data: Buffer } | undefined {
  for (let at = 0; at + BLOCK <= archive.length;) {
    const h = archive.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return undefined;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 48);
    const start = at + BLOCK;
    if (type === '0' || type === '\0') return { name, data: archive.subarray(start, start + size) };
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
