/**
 * Small helpers over the onnx-proto protobuf classes: a graph under construction that hands out
 * unique tensor names and collects nodes and float/int64 initialisers, then encodes a ModelProto.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;

export type AttrValue = number | number[] | string | { float: number };

function attribute(name: string, value: AttrValue): AttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (typeof value === 'object') return { name, type: A.FLOAT, f: value.float };
  // Plain numbers are integer attributes; floats must be wrapped, since ONNX types attributes strictly.
  return { name, type: A.INT, i: value };
}

/** A tensor dimension: a fixed size or a symbolic name (e.g. the batch). */
export type Dim = number | string;

function valueInfo(name: string, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();

  /** A fresh tensor name derived from `base`. */
  name(base: string): string {
    let candidate = base;
    for (let i = 1; this.used.has(candidate); i++) candidate = `${base}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  floatConst(base: string, dims: number[], values: Float32Array | number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`Initialiser ${base}: ${values.length} values for shape [${dims}]`);
    const name = this.name(base);
    // raw_data (little-endian bytes) rather than float_data: protobufjs encodes a repeated float
    // field value by value, which takes seconds for a backbone's millions of weights.
    const f32 = Float32Array.from(values);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength) });
    return name;
  }

  int64Const(base: string, values: number[]): string {
    const name = this.name(base);
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outBase = opType.toLowerCase()): string {
    return this.opTo(opType, inputs, this.name(outBase), attrs);
  }

  /** Adds a node writing to an already reserved output name. */
  opTo(opType: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}): string {
    this.nodes.push({
      opType,
      name: this.name(`${output}_node`),
      input: inputs,
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Encodes the finished graph as ONNX model bytes. */
  encode(opts: { graphName: string; input: { name: string; shape: Dim[] }; output: { name: string; shape: Dim[] }; opset: number }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7, // ONNX 1.8+; every opset we emit (≤ 13) is valid under it
      producerName: 'painter-similarity',
      opsetImport: [{ domain: '', version: opts.opset }],
      graph: {
        name: opts.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(opts.input.name, opts.input.shape)],
        output: [valueInfo(opts.output.name, opts.output.shape)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
