/**
 * kubectl sends some built-in kinds (SelfSubjectAccessReview) as Kubernetes protobuf:
 * the magic `k8s\0`, then a `runtime.Unknown` whose `raw` field holds the object. This reads just
 * enough of it to turn a SelfSubjectAccessReview into JSON; the simulator answers in JSON, which
 * client-go decodes by the response's Content-Type.
 */

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(buffer: Buffer, offset: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[position++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, position];
    shift += 7;
    if (shift > 63) throw new Error('varint too long');
  }
}

function fields(buffer: Buffer): Fields {
  const out: Fields = new Map();
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number;
    if (wire === 0) {
      [value, offset] = readVarint(buffer, afterTag);
    } else if (wire === 2) {
      const [length, start] = readVarint(buffer, afterTag);
      if (start + length > buffer.length) throw new Error('truncated field');
      value = buffer.subarray(start, start + length);
      offset = start + length;
    } else if (wire === 1) {
      value = 0;
      offset = afterTag + 8;
    } else if (wire === 5) {
      value = 0;
      offset = afterTag + 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const text = (values: Fields, field: number): string | undefined => {
  const value = values.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
};
const message = (values: Fields, field: number): Fields | undefined => {
  const value = values.get(field)?.[0];
  return Buffer.isBuffer(value) ? fields(value) : undefined;
};

export function isKubernetesProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(MAGIC);
}

/** The JSON form of a protobuf SelfSubjectAccessReview request. */
export function decodeSelfSubjectAccessReview(body: Buffer): Record<string, unknown> {
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw new Error('protobuf body without raw object');
  const review = fields(raw);
  const spec = message(review, 2);
  const attributes = spec && message(spec, 1);
  const resourceAttributes = attributes
    ? Object.fromEntries(
        (
          [
            ['namespace', 1],
            ['verb', 2],
            ['group', 3],
            ['version', 4],
            ['resource', 5],
            ['subresource', 6],
            ['name', 7],
          ] as const
        )
          .map(([name, field]): [string, string | undefined] => [name, text(attributes, field)])
          .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
      )
    : undefined;
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: resourceAttributes ? { resourceAttributes } : {},
  };
}
