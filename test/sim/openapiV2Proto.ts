// Protobuf encoding of an OpenAPI v2 (Swagger 2.0) JSON document as gnostic's `openapi.v2.Document`
// message: the wire form kubectl downloads from /openapi/v2 (Accept:
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf) and parses for client-side validation.
//
// Only the subset of Swagger that test/sim/openapi.ts emits is supported; anything else throws, so
// a new keyword cannot be dropped silently. Field numbers are those of gnostic's OpenAPIv2.proto.
// Extension values, `default` and `enum` entries are `Any` messages carrying YAML text; JSON is
// YAML, so they carry the JSON serialisation.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cannot varint-encode ${value}`);
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: 0 | 1 | 2): void {
    this.varint(field * 8 + wireType);
  }

  private bytes(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(data.length);
    this.chunks.push(data);
  }

  /** proto3 scalar: the empty string is the default and is not written. */
  string(field: number, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): void {
    for (const value of values ?? []) this.bytes(field, Buffer.from(value, 'utf8'));
  }

  bool(field: number, value: boolean | undefined): void {
    if (value !== true) return;
    this.key(field, 0);
    this.varint(1);
  }

  double(field: number, value: number | undefined): void {
    if (value === undefined || value === 0) return;
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleLE(value);
    this.key(field, 1);
    this.chunks.push(buffer);
  }

  int64(field: number, value: number | undefined): void {
    if (value === undefined || value === 0) return;
    this.key(field, 0);
    this.varint(value);
  }

  /** A sub-message; written even when empty (message fields have presence). */
  message(field: number, build: (writer: ProtoWriter) => void): void {
    const sub = new ProtoWriter();
    build(sub);
    this.bytes(field, sub.finish());
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected an object`);
  return value;
}

function optString(value: Json | undefined, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

function optBool(value: Json | undefined, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${where}: expected a boolean`);
  return value;
}

function optNumber(value: Json | undefined, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new Error(`${where}: expected a number`);
  return value;
}

function optStrings(value: Json | undefined, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`${where}: expected a list of strings`);
  }
  return value;
}

function rejectUnknown(object: JsonObject, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!key.startsWith('x-') && !known.includes(key)) throw new Error(`${where}: keyword ${key} is not supported by the proto encoder`);
  }
}

/** `Any { string yaml = 2; }` */
function writeAny(writer: ProtoWriter, field: number, value: Json): void {
  writer.message(field, (any) => any.string(2, JSON.stringify(value)));
}

/** `repeated NamedAny vendor_extension` from the `x-` keys of an object. */
function writeExtensions(writer: ProtoWriter, field: number, object: JsonObject): void {
  for (const [name, value] of Object.entries(object)) {
    if (!name.startsWith('x-')) continue;
    writer.message(field, (named) => {
      named.string(1, name);
      writeAny(named, 2, value);
    });
  }
}

const SCHEMA_KEYS = [
  '$ref', 'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties',
  'minProperties', 'required', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties', 'readOnly',
] as const;

/** gnostic `Schema`. */
function writeSchema(writer: ProtoWriter, schema: JsonObject, where: string): void {
  rejectUnknown(schema, SCHEMA_KEYS, where);
  writer.string(1, optString(schema['$ref'], where));
  writer.string(2, optString(schema['format'], where));
  writer.string(3, optString(schema['title'], where));
  writer.string(4, optString(schema['description'], where));
  const defaultValue = schema['default'];
  if (defaultValue !== undefined) writeAny(writer, 5, defaultValue);
  writer.double(6, optNumber(schema['multipleOf'], where));
  writer.double(7, optNumber(schema['maximum'], where));
  writer.bool(8, optBool(schema['exclusiveMaximum'], where));
  writer.double(9, optNumber(schema['minimum'], where));
  writer.bool(10, optBool(schema['exclusiveMinimum'], where));
  writer.int64(11, optNumber(schema['maxLength'], where));
  writer.int64(12, optNumber(schema['minLength'], where));
  writer.string(13, optString(schema['pattern'], where));
  writer.int64(14, optNumber(schema['maxItems'], where));
  writer.int64(15, optNumber(schema['minItems'], where));
  writer.bool(16, optBool(schema['uniqueItems'], where));
  writer.int64(17, optNumber(schema['maxProperties'], where));
  writer.int64(18, optNumber(schema['minProperties'], where));
  writer.strings(19, optStrings(schema['required'], where));
  const enumValues = schema['enum'];
  if (enumValues !== undefined) {
    if (!Array.isArray(enumValues)) throw new Error(`${where}.enum: expected a list`);
    for (const value of enumValues) writeAny(writer, 20, value);
  }
  const additional = schema['additionalProperties'];
  if (typeof additional === 'boolean') {
    writer.message(21, (item) => item.bool(2, additional));
  } else if (additional !== undefined) {
    const sub = asObject(additional, `${where}.additionalProperties`);
    writer.message(21, (item) => item.message(1, (s) => writeSchema(s, sub, `${where}.additionalProperties`)));
  }
  const type = schema['type'];
  if (type !== undefined) {
    const types = typeof type === 'string' ? [type] : optStrings(type, `${where}.type`);
    writer.message(22, (item) => item.strings(1, types));
  }
  const items = schema['items'];
  if (items !== undefined) {
    const list = Array.isArray(items) ? items : [items];
    writer.message(23, (item) => {
      list.forEach((sub, index) => item.message(1, (s) => writeSchema(s, asObject(sub, `${where}.items`), `${where}.items[${index}]`)));
    });
  }
  const allOf = schema['allOf'];
  if (allOf !== undefined) {
    if (!Array.isArray(allOf)) throw new Error(`${where}.allOf: expected a list`);
    allOf.forEach((sub, index) => writer.message(24, (s) => writeSchema(s, asObject(sub, `${where}.allOf`), `${where}.allOf[${index}]`)));
  }
  const properties = schema['properties'];
  if (properties !== undefined) {
    const props = asObject(properties, `${where}.properties`);
    writer.message(25, (item) => {
      for (const [name, sub] of Object.entries(props)) {
        item.message(1, (named) => {
          named.string(1, name);
          named.message(2, (s) => writeSchema(s, asObject(sub, `${where}.${name}`), `${where}.${name}`));
        });
      }
    });
  }
  writer.bool(27, optBool(schema['readOnly'], where));
  writeExtensions(writer, 31, schema);
}

/** gnostic `ParametersItem` (a body parameter, or a query / path non-body parameter). */
function writeParameter(writer: ProtoWriter, parameter: JsonObject, where: string): void {
  const location = optString(parameter['in'], `${where}.in`);
  const name = optString(parameter['name'], `${where}.name`);
  const description = optString(parameter['description'], `${where}.description`);
  const required = optBool(parameter['required'], `${where}.required`);
  // ParametersItem.parameter (1) → Parameter.body_parameter (1) | Parameter.non_body_parameter (2)
  writer.message(1, (param) => {
    if (location === 'body') {
      rejectUnknown(parameter, ['in', 'name', 'description', 'required', 'schema'], where);
      param.message(1, (body) => {
        body.string(1, description);
        body.string(2, name);
        body.string(3, location);
        body.bool(4, required);
        body.message(5, (s) => writeSchema(s, asObject(parameter['schema'], `${where}.schema`), `${where}.schema`));
        writeExtensions(body, 6, parameter);
      });
      return;
    }
    rejectUnknown(parameter, ['in', 'name', 'description', 'required', 'type', 'uniqueItems'], where);
    const type = optString(parameter['type'], `${where}.type`);
    const uniqueItems = optBool(parameter['uniqueItems'], `${where}.uniqueItems`);
    param.message(2, (nonBody) => {
      if (location === 'query') {
        nonBody.message(3, (query) => {
          query.bool(1, required);
          query.string(2, location);
          query.string(3, description);
          query.string(4, name);
          query.string(6, type);
          query.bool(20, uniqueItems);
          writeExtensions(query, 23, parameter);
        });
      } else if (location === 'path') {
        nonBody.message(4, (path) => {
          path.bool(1, required);
          path.string(2, location);
          path.string(3, description);
          path.string(4, name);
          path.string(5, type);
          path.bool(19, uniqueItems);
          writeExtensions(path, 22, parameter);
        });
      } else {
        throw new Error(`${where}: parameter location ${String(location)} is not supported by the proto encoder`);
      }
    });
  });
}

const OPERATION_KEYS = ['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'parameters', 'responses', 'schemes', 'deprecated'] as const;

/** gnostic `Operation`. */
function writeOperation(writer: ProtoWriter, operation: JsonObject, where: string): void {
  rejectUnknown(operation, OPERATION_KEYS, where);
  writer.strings(1, optStrings(operation['tags'], `${where}.tags`));
  writer.string(2, optString(operation['summary'], where));
  writer.string(3, optString(operation['description'], where));
  writer.string(5, optString(operation['operationId'], where));
  writer.strings(6, optStrings(operation['produces'], `${where}.produces`));
  writer.strings(7, optStrings(operation['consumes'], `${where}.consumes`));
  const parameters = operation['parameters'];
  if (parameters !== undefined) {
    if (!Array.isArray(parameters)) throw new Error(`${where}.parameters: expected a list`);
    parameters.forEach((p, i) => writer.message(8, (item) => writeParameter(item, asObject(p, where), `${where}.parameters[${i}]`)));
  }
  const responses = asObject(operation['responses'], `${where}.responses`);
  writer.message(9, (resp) => {
    for (const [code, value] of Object.entries(responses)) {
      const response = asObject(value, `${where}.responses.${code}`);
      rejectUnknown(response, ['description', 'schema'], `${where}.responses.${code}`);
      resp.message(1, (named) => {
        named.string(1, code);
        named.message(2, (responseValue) =>
          responseValue.message(1, (r) => {
            r.string(1, optString(response['description'], where));
            const schema = response['schema'];
            if (schema !== undefined) {
              r.message(2, (item) => item.message(1, (s) => writeSchema(s, asObject(schema, where), `${where}.responses.${code}.schema`)));
            }
          }),
        );
      });
    }
  });
  writer.strings(10, optStrings(operation['schemes'], `${where}.schemes`));
  writer.bool(11, optBool(operation['deprecated'], where));
  writeExtensions(writer, 13, operation);
}

const PATH_ITEM_FIELDS: Readonly<Record<string, number>> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

/** Encodes the Swagger 2.0 document produced by buildOpenApiV2() as an `openapi.v2.Document`. */
export function encodeOpenApiV2Document(document: JsonObject): Uint8Array {
  rejectUnknown(document, ['swagger', 'info', 'paths', 'definitions', 'security', 'securityDefinitions'], 'document');
  const writer = new ProtoWriter();
  writer.string(1, optString(document['swagger'], 'swagger'));
  const info = asObject(document['info'], 'info');
  writer.message(2, (w) => {
    w.string(1, optString(info['title'], 'info.title'));
    w.string(2, optString(info['version'], 'info.version'));
    w.string(3, optString(info['description'], 'info.description'));
    writeExtensions(w, 7, info);
  });
  const paths = asObject(document['paths'], 'paths');
  writer.message(8, (w) => {
    for (const [path, value] of Object.entries(paths)) {
      const item = asObject(value, path);
      w.message(2, (named) => {
        named.string(1, path);
        named.message(2, (pathItem) => {
          for (const [method, operation] of Object.entries(item)) {
            if (method === 'parameters' || method.startsWith('x-')) continue;
            const field = PATH_ITEM_FIELDS[method];
            if (field === undefined) throw new Error(`${path}: method ${method} is not supported by the proto encoder`);
            pathItem.message(field, (op) => writeOperation(op, asObject(operation, `${path}.${method}`), `${path}.${method}`));
          }
          const parameters = item['parameters'];
          if (parameters !== undefined) {
            if (!Array.isArray(parameters)) throw new Error(`${path}.parameters: expected a list`);
            parameters.forEach((p, i) => pathItem.message(9, (pi) => writeParameter(pi, asObject(p, path), `${path}.parameters[${i}]`)));
          }
          writeExtensions(pathItem, 10, item);
        });
      });
    }
  });
  const definitions = asObject(document['definitions'], 'definitions');
  writer.message(9, (w) => {
    for (const [name, schema] of Object.entries(definitions)) {
      w.message(1, (named) => {
        named.string(1, name);
        named.message(2, (s) => writeSchema(s, asObject(schema, name), name));
      });
    }
  });
  const security = document['security'];
  if (security !== undefined) {
    if (!Array.isArray(security)) throw new Error('security: expected a list');
    for (const requirement of security) {
      writer.message(12, (w) => {
        for (const [name, scopes] of Object.entries(asObject(requirement, 'security'))) {
          w.message(1, (named) => {
            named.string(1, name);
            named.message(2, (array) => array.strings(1, optStrings(scopes, `security.${name}`)));
          });
        }
      });
    }
  }
  const securityDefinitions = document['securityDefinitions'];
  if (securityDefinitions !== undefined) {
    writer.message(13, (w) => {
      for (const [name, value] of Object.entries(asObject(securityDefinitions, 'securityDefinitions'))) {
        const definition = asObject(value, `securityDefinitions.${name}`);
        if (definition['type'] !== 'apiKey') throw new Error(`securityDefinitions.${name}: only apiKey is supported`);
        w.message(1, (named) => {
          named.string(1, name);
          named.message(2, (item) =>
            item.message(2, (apiKey) => {
              apiKey.string(1, 'apiKey');
              apiKey.string(2, optString(definition['name'], name));
              apiKey.string(3, optString(definition['in'], name));
              apiKey.string(4, optString(definition['description'], name));
            }),
          );
        });
      }
    });
  }
  writeExtensions(writer, 16, document);
  return writer.finish();
}
