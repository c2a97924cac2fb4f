// A Keras functional model under construction, written as TF.js' layers-format JSON (class_name "Model", Keras'
// snake_case keys, inbound_nodes as [layer, node, tensor, kwargs]) plus its float32 weights in manifest order.
// Layers are listed in the order they are first called; a layer called again (shared weights) gets one more
// inbound node. Every shared layer here is called along a dependency chain (call k+1 needs call k's result), so
// TF.js' deferred node processing always sees the calls in order.

/** One output tensor: [layer name, node index (call number), tensor index]. */
export type Ref = [string, number, number]

export interface WeightSpec {
  name: string
  shape: number[]
  dtype: 'float32'
}
export interface KerasWeight {
  shape: number[]
  data: ArrayLike<number>
}

interface LayerEntry {
  name: string
  class_name: string
  config: Record<string, unknown>
  inbound_nodes: unknown[][]
}

export class KerasGraph {
  private readonly layers: LayerEntry[] = []
  private readonly byName = new Map<string, LayerEntry>()
  private readonly inputs: Ref[] = []
  readonly specs: WeightSpec[] = []
  private readonly chunks: ArrayLike<number>[] = []

  /** An input of shape [batch, ...shape]. */
  input(name: string, shape: (number | null)[]): Ref {
    const e: LayerEntry = {
      name,
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, name },
      inbound_nodes: []
    }
    this.add(e)
    const r: Ref = [name, 0, 0]
    this.inputs.push(r)
    return r
  }

  /** Define a layer (with its weights, stored as `<name>/<suffix>`) and call it on `inputs`. */
  layer(
    cls: string,
    name: string,
    config: Record<string, unknown>,
    inputs: Ref | Ref[],
    weights: [string, KerasWeight][] = []
  ): Ref {
    this.add({ name, class_name: cls, config: { name, trainable: true, ...config }, inbound_nodes: [] })
    for (const [suffix, w] of weights) {
      this.specs.push({ name: `${name}/${suffix}`, shape: w.shape, dtype: 'float32' })
      this.chunks.push(w.data)
    }
    return this.call(name, inputs)
  }

  /** Call an existing layer again (same weights). Returns its first output; other outputs are [name, node, k]. */
  call(name: string, inputs: Ref | Ref[]): Ref {
    const e = this.byName.get(name)
    if (!e) throw new Error(`tfjs graph: no layer named ${name}`)
    const list = (typeof inputs[0] === 'string' ? [inputs] : inputs) as Ref[]
    e.inbound_nodes.push(list.map((r) => [...r, {}]))
    return [name, e.inbound_nodes.length - 1, 0]
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  private add(e: LayerEntry): void {
    if (this.byName.has(e.name)) throw new Error(`tfjs graph: duplicate layer name ${e.name}`)
    this.layers.push(e)
    this.byName.set(e.name, e)
  }

  /** The model topology (class_name "Model") with these outputs. */
  topology(
    name: string,
    outputs: Ref[]
  ): { class_name: 'Model'; config: Record<string, unknown>; keras_version: string; backend: string } {
    return {
      class_name: 'Model',
      config: { name, layers: this.layers, input_layers: this.inputs, output_layers: outputs },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js'
    }
  }

  /** The weights as little-endian float32 in manifest order. */
  weightsBin(): Uint8Array {
    return float32Bin(this.chunks)
  }
}

export function float32Bin(chunks: ArrayLike<number>[]): Uint8Array {
  const total = chunks.reduce((a, c) => a + c.length, 0)
  const bin = new Uint8Array(total * 4),
    view = new DataView(bin.buffer)
  let off = 0
  for (const c of chunks) for (let k = 0; k < c.length; k++, off += 4) view.setFloat32(off, c[k]!, true)
  return bin
}
