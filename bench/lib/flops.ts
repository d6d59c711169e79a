/**
 * Floating-point operations of an ONNX encoder per image, read from the model itself so the count
 * follows whatever the exporter produced. Shapes are inferred node by node from the input shape
 * (its symbolic batch bound to 1) through the operators the encoders use.
 *
 * Counted: Conv, MatMul and Gemm as 2 FLOPs per multiply-add (2·Cout·(Cin/groups)·kH·kW·Hout·Wout
 * for a convolution), the convention peak FLOP/s are quoted in. Biases, activations, pooling and
 * normalisation are left out: they are a rounding error next to the products and run far below
 * peak anyway.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type Long = { toNumber(): number };

export type Shape = number[];

export interface LayerFlops {
  node: string;
  op: string;
  flops: number;
  output: Shape;
}

export interface FlopCount {
  /** FLOPs for one image (batch 1). */
  total: number;
  byOp: Record<string, number>;
  /** Every counted node, in graph order. */
  layers: LayerFlops[];
  inputShape: Shape;
  outputShape: Shape;
}

export interface CountOptions {
  /** Sizes for symbolic input dimensions other than the batch (e.g. an image size left open). */
  dims?: Record<string, number>;
}

const num = (v: number | Long | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

/** Counts FLOPs per image of a Conv/MatMul/Gemm network given as ONNX model bytes. */
export function countFlops(modelBytes: Uint8Array, options: CountOptions = {}): FlopCount {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('The ONNX model has no graph');
  const shapes = new Map<string, Shape>();
  const ints = new Map<string, number[]>();
  for (const t of graph.initializer ?? []) {
    shapes.set(t.name!, (t.dims ?? []).map(num));
    if (t.dataType === onnx.TensorProto.DataType.INT64) ints.set(t.name!, (t.int64Data ?? []).map(num));
  }
  const inputs = (graph.input ?? []).filter((i) => !shapes.has(i.name!));
  if (inputs.length !== 1) throw new Error(`Expected one graph input besides the initialisers, found ${inputs.length}`);
  const inputShape = (inputs[0].type?.tensorType?.shape?.dim ?? []).map((d, i) => {
    if (d.dimValue != null && num(d.dimValue) > 0) return num(d.dimValue);
    const name = d.dimParam ?? '';
    if (options.dims?.[name] !== undefined) return options.dims[name];
    if (i === 0) return 1; // the batch: counts are per image
    throw new Error(`Input dimension ${i} ("${name}") is symbolic: give its size in options.dims`);
  });
  shapes.set(inputs[0].name!, inputShape);

  const layers: LayerFlops[] = [];
  for (const node of graph.node ?? []) {
    const inShapes = (node.input ?? []).map((name) => (name ? shapes.get(name) : undefined));
    const { output, flops } = inferNode(node, inShapes, ints);
    shapes.set(node.output![0], output);
    if (flops > 0) layers.push({ node: node.name ?? node.output![0], op: node.opType!, flops, output });
  }
  const byOp: Record<string, number> = {};
  for (const l of layers) byOp[l.op] = (byOp[l.op] ?? 0) + l.flops;
  const outName = graph.output?.[0]?.name;
  return {
    total: layers.reduce((s, l) => s + l.flops, 0),
    byOp,
    layers,
    inputShape,
    outputShape: (outName && shapes.get(outName)) || [],
  };
}

function attrs(node: NodeProto): Map<string, onnxProto.onnx.IAttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name!, a]));
}

function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = attrs(node).get(name);
  return a?.ints ? a.ints.map(num) : undefined;
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attrs(node).get(name);
  return a?.i != null ? num(a.i) : fallback;
}

function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const s = attrs(node).get(name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
}

const ELEMENTWISE = new Set([
  'Relu', 'Clip', 'Sigmoid', 'Tanh', 'Elu', 'LeakyRelu', 'Softmax', 'Identity', 'Sqrt', 'BatchNormalization', 'Dropout', 'Exp', 'Log', 'Neg', 'Abs', 'Sign',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum']);

function inferNode(node: NodeProto, inputs: (Shape | undefined)[], ints: Map<string, number[]>): { output: Shape; flops: number } {
  const op = node.opType ?? '';
  const x = inputs[0];
  if (!x) throw new Error(`${op} node "${node.name}": the shape of its input "${node.input?.[0]}" is unknown`);
  if (ELEMENTWISE.has(op)) return { output: x, flops: 0 };
  if (BROADCAST.has(op)) return { output: broadcast(inputs.map((s) => s ?? [])), flops: 0 };
  switch (op) {
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return { output: perm.map((p) => x[p]), flops: 0 };
    }
    case 'Conv':
      return conv(node, x, inputs[1]);
    case 'MaxPool':
    case 'AveragePool': {
      const kernel = intsAttr(node, 'kernel_shape')!;
      const spatial = window(node, x.slice(2), kernel);
      return { output: [x[0], x[1], ...spatial], flops: 0 };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return { output: [x[0], x[1], ...x.slice(2).map(() => 1)], flops: 0 };
    case 'Flatten': {
      const axis = normaliseAxis(intAttr(node, 'axis', 1), x.length);
      return { output: [product(x.slice(0, axis)), product(x.slice(axis))], flops: 0 };
    }
    case 'Reshape': {
      const target = ints.get(node.input?.[1] ?? '');
      if (!target) throw new Error(`Reshape node "${node.name}": its shape is not a constant`);
      const out = target.map((d, i) => (d === 0 ? x[i] : d));
      const known = product(out.filter((d) => d !== -1));
      return { output: out.map((d) => (d === -1 ? product(x) / known : d)), flops: 0 };
    }
    case 'ReduceSum':
    case 'ReduceMean': {
      const axes = (ints.get(node.input?.[1] ?? '') ?? intsAttr(node, 'axes') ?? x.map((_, i) => i)).map((a) => normaliseAxis(a, x.length));
      const keep = intAttr(node, 'keepdims', 1) === 1;
      return { output: x.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d])), flops: 0 };
    }
    case 'Gemm': {
      const b = inputs[1]!;
      const [m, k] = intAttr(node, 'transA', 0) ? [x[1], x[0]] : [x[0], x[1]];
      const n = intAttr(node, 'transB', 0) ? b[0] : b[1];
      return { output: [m, n], flops: 2 * m * k * n };
    }
    case 'MatMul': {
      const b = inputs[1]!;
      const k = x[x.length - 1];
      const bk = b[b.length - 2];
      if (k !== bk) throw new Error(`MatMul node "${node.name}": inner dimensions ${k} and ${bk} differ`);
      // Batched products broadcast their leading dimensions (e.g. a Gram matrix per image).
      const lead = broadcast([x.slice(0, -2), b.slice(0, -2)]);
      const output = [...lead, ...(x.length > 1 ? [x[x.length - 2]] : []), b[b.length - 1]];
      return { output, flops: 2 * product(output) * k };
    }
    case 'Pad': {
      const pads = ints.get(node.input?.[1] ?? '') ?? intsAttr(node, 'pads');
      if (!pads) throw new Error(`Pad node "${node.name}": its pads are not a constant`);
      return { output: x.map((d, i) => d + pads[i] + pads[i + x.length]), flops: 0 };
    }
    case 'Concat': {
      const axis = normaliseAxis(intAttr(node, 'axis', 0), x.length);
      const all = inputs.map((t, i) => {
        if (!t) throw new Error(`Concat node "${node.name}": the shape of input ${i} is unknown`);
        return t;
      });
      return { output: x.map((d, i) => (i === axis ? all.reduce((n, t) => n + t[i], 0) : d)), flops: 0 };
    }
    case 'Gather': {
      const axis = normaliseAxis(intAttr(node, 'axis', 0), x.length);
      const indices = inputs[1];
      if (!indices) throw new Error(`Gather node "${node.name}": the shape of its indices is unknown`);
      return { output: [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)], flops: 0 };
    }
    case 'Unsqueeze': {
      const axes = ints.get(node.input?.[1] ?? '') ?? intsAttr(node, 'axes');
      if (!axes) throw new Error(`Unsqueeze node "${node.name}": its axes are not a constant`);
      const rank = x.length + axes.length;
      const at = new Set(axes.map((a) => normaliseAxis(a, rank)));
      const out: number[] = [];
      for (let i = 0, j = 0; i < rank; i++) out.push(at.has(i) ? 1 : x[j++]);
      return { output: out, flops: 0 };
    }
    case 'Slice': {
      const [starts, ends, axesIn, stepsIn] = [1, 2, 3, 4].map((k) => ints.get(node.input?.[k] ?? ''));
      if (!starts || !ends) throw new Error(`Slice node "${node.name}": its starts and ends are not constants`);
      const axes = (axesIn ?? starts.map((_, i) => i)).map((a) => normaliseAxis(a, x.length));
      const steps = stepsIn ?? starts.map(() => 1);
      const out = [...x];
      axes.forEach((axis, k) => {
        const d = x[axis];
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
        const step = steps[k];
        const [b, e] = step > 0 ? [clamp(starts[k], 0, d), clamp(ends[k], 0, d)] : [clamp(starts[k], -1, d - 1), clamp(ends[k], -1, d - 1)];
        out[axis] = Math.max(0, Math.ceil((e - b) / step));
      });
      return { output: out, flops: 0 };
    }
    default:
      throw new Error(`Cannot count FLOPs through ${op} node "${node.name}": operator not supported`);
  }
}

function conv(node: NodeProto, x: Shape, w: Shape | undefined): { output: Shape; flops: number } {
  if (!w) throw new Error(`Conv node "${node.name}": the weight shape is unknown`);
  const group = intAttr(node, 'group', 1);
  const [cout, cinPerGroup, ...kernel] = w;
  if (x[1] !== cinPerGroup * group) throw new Error(`Conv node "${node.name}": ${x[1]} input channels, weights expect ${cinPerGroup * group}`);
  const spatial = window(node, x.slice(2), intsAttr(node, 'kernel_shape') ?? kernel);
  return { output: [x[0], cout, ...spatial], flops: 2 * x[0] * cout * cinPerGroup * product(kernel) * product(spatial) };
}

/** Output sizes of a sliding window (Conv, pooling) under ONNX's auto_pad / pads / strides / dilations. */
function window(node: NodeProto, size: number[], kernel: number[]): number[] {
  const strides = intsAttr(node, 'strides') ?? size.map(() => 1);
  const dilations = intsAttr(node, 'dilations') ?? size.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? size.flatMap(() => [0, 0]);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  return size.map((n, i) => {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(n / strides[i]);
    const extent = (kernel[i] - 1) * dilations[i] + 1;
    const padded = autoPad === 'VALID' ? n : n + pads[i] + pads[i + size.length];
    const steps = (padded - extent) / strides[i];
    return (ceil ? Math.ceil(steps) : Math.floor(steps)) + 1;
  });
}

/** NumPy-style broadcast of several shapes. */
function broadcast(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}

function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function product(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}
