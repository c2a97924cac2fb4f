// PyTorch's GRU (reset-after) as a TF.js functional graph of standard layers, unrolled over a fixed number of
// steps — TF.js 4.22's GRU layer only has reset_after = False. Per layer-direction, with gates from PyTorch's
// r, z, n blocks:
//
//   x_g = Dense_xg(X)            one Dense per gate on the whole sequence [batch, T, in] (W_igᵀ, b_ig)
//   x_g,t = Reshape(Cropping2D(Reshape(x_g)))                                 step t, [batch, H]
//   z = σ(x_z,t + Dense_hz(h))   r = σ(x_r,t + Dense_hr(h))                   (W_hgᵀ, b_hg; shared over steps)
//   n = tanh(x_n,t + r ⊙ Dense_hn(h))                                         reset after the product
//   h' = z ⊙ h + Dense_1−(z) ⊙ n                                              Dense_1−: kernel −I, bias 1 (= 1 − z)
//
// A missing initial state is h = 0, made by a Dense with zero kernel and bias on step 0's input. Bidirectional
// layers run a second chain from the last step back with the _reverse weights and concatenate per step.
import { dirsOf, transpose, type ExportSpec, type StackInfo, type Tensor } from './spec'
import type { KerasGraph, KerasWeight, Ref } from './tfjs-graph'

const GATE_BLOCK = { r: 0, z: 1, n: 2 } as const
type Gate = keyof typeof GATE_BLOCK

/** Keras Dense weights of one gate: kernel = W_gᵀ [in, H], bias b_g [H]. */
function gateDense(
  t: Map<string, Tensor>,
  name: string,
  biasName: string,
  gate: Gate,
  H: number
): [string, KerasWeight][] {
  const w = t.get(name)!,
    b = t.get(biasName)!,
    cols = w.shape[1]!,
    k = GATE_BLOCK[gate]
  return [
    ['kernel', { shape: [cols, H], data: transpose(w.data.subarray(k * H * cols, (k + 1) * H * cols), H, cols) }],
    ['bias', { shape: [H], data: b.data.subarray(k * H, (k + 1) * H) }]
  ]
}

/** Head weights as a Keras Dense: kernel = head.weightᵀ [D·H, O], bias [O]. */
export function headWeights(t: Map<string, Tensor>, s: ExportSpec): KerasWeight[] {
  const DH = dirsOf(s) * s.hiddenSize,
    O = s.outputSize
  return [
    { shape: [DH, O], data: transpose(t.get('head.weight')!.data, O, DH) },
    { shape: [O], data: t.get('head.bias')!.data }
  ]
}

/** Per-step [batch, W] tensors → one [batch, T, W] sequence (Reshape to [1, W], Concatenate on the time axis). */
export function seqOf(g: KerasGraph, steps: Ref[], W: number, tag: string): Ref {
  const rows = steps.map((r, k) => g.layer('Reshape', `${tag}_as_step${k}`, { target_shape: [1, W] }, r))
  return rows.length === 1 ? rows[0]! : g.layer('Concatenate', `${tag}_sequence`, { axis: 1 }, rows)
}

/** One GRU layer-direction unrolled over T steps of `seq` ([batch, T, in]); returns h_t per step in time order. */
function gruChain(
  g: KerasGraph,
  t: Map<string, Tensor>,
  pre: string,
  sfx: string,
  seq: Ref,
  T: number,
  H: number,
  name: string,
  reverse: boolean,
  h0: Ref | null
): Ref[] {
  const dense = { units: H, activation: 'linear', use_bias: true }
  const xg = {} as Record<Gate, Ref>
  for (const k of ['z', 'r', 'n'] as const)
    xg[k] = g.layer(
      'Dense',
      `${name}_x${k}`,
      dense,
      seq,
      gateDense(t, `${pre}weight_ih_${sfx}`, `${pre}bias_ih_${sfx}`, k, H)
    )
  // step t of x_g: [batch, T, H] as an image [T, H, 1], Cropping2D to row t (TF.js has no Cropping1D), → [H]
  const img = {} as Record<Gate, Ref>
  if (T > 1)
    for (const k of ['z', 'r', 'n'] as const)
      img[k] = g.layer('Reshape', `${name}_x${k}_rows`, { target_shape: [T, H, 1] }, xg[k])
  const xAt = (k: Gate, step: number): Ref => {
    const cropped =
      T === 1
        ? xg[k]
        : g.layer(
            'Cropping2D',
            `${name}_x${k}_crop${step}`,
            {
              cropping: [
                [step, T - 1 - step],
                [0, 0]
              ],
              data_format: 'channels_last'
            },
            img[k]
          )
    return g.layer('Reshape', `${name}_x${k}_t${step}`, { target_shape: [H] }, cropped)
  }
  // a Dense layer shared by every step: defined on first use, called again afterwards
  const shared = (layer: string, input: Ref, weights: () => [string, KerasWeight][]): Ref =>
    g.has(layer) ? g.call(layer, input) : g.layer('Dense', layer, dense, input, weights())
  const hDense = (k: Gate, h: Ref) =>
    shared(`${name}_h${k}`, h, () => gateDense(t, `${pre}weight_hh_${sfx}`, `${pre}bias_hh_${sfx}`, k, H))
  const oneMinus = (v: Ref) =>
    shared(`${name}_one_minus`, v, () => {
      const k = new Float64Array(H * H)
      for (let j = 0; j < H; j++) k[j * H + j] = -1
      return [
        ['kernel', { shape: [H, H], data: k }],
        ['bias', { shape: [H], data: new Float64Array(H).fill(1) }]
      ]
    })
  const out: Ref[] = new Array<Ref>(T)
  let h = h0
  for (let q = 0; q < T; q++) {
    const step = reverse ? T - 1 - q : q,
      tag = `${name}_t${step}`
    const xz = xAt('z', step),
      xr = xAt('r', step),
      xn = xAt('n', step)
    h ??= g.layer('Dense', `${name}_h0`, dense, xz, [
      ['kernel', { shape: [H, H], data: new Float64Array(H * H) }],
      ['bias', { shape: [H], data: new Float64Array(H) }]
    ])
    const z = g.layer(
      'Activation',
      `${tag}_z`,
      { activation: 'sigmoid' },
      g.layer('Add', `${tag}_z_in`, {}, [xz, hDense('z', h)])
    )
    const r = g.layer(
      'Activation',
      `${tag}_r`,
      { activation: 'sigmoid' },
      g.layer('Add', `${tag}_r_in`, {}, [xr, hDense('r', h)])
    )
    const rh = g.layer('Multiply', `${tag}_r_hn`, {}, [r, hDense('n', h)])
    const n = g.layer('Activation', `${tag}_n`, { activation: 'tanh' }, g.layer('Add', `${tag}_n_in`, {}, [xn, rh]))
    const keep = g.layer('Multiply', `${tag}_z_h`, {}, [z, h]),
      take = g.layer('Multiply', `${tag}_1mz_n`, {}, [oneMinus(z), n])
    h = g.layer('Add', `${tag}_h`, {}, [keep, take])
    out[step] = h
  }
  return out
}

/**
 * The GRU stack of `st` unrolled over T steps of x ([batch, T, in]). h0: per layer initial state (unidirectional
 * only), or null for zeros. Returns the top layer's per-step outputs [batch, D·H] and each layer's final h.
 */
export function gruUnrolledStack(
  g: KerasGraph,
  s: ExportSpec,
  t: Map<string, Tensor>,
  st: StackInfo,
  x: Ref,
  T: number,
  h0: Ref[] | null
): { steps: Ref[]; states: Ref[][] } {
  const H = s.hiddenSize,
    D = dirsOf(s),
    tag = st.prefix.replace(/\.$/, '_')
  let seq = x
  let steps: Ref[] = []
  const states: Ref[][] = []
  for (let l = 0; l < s.numLayers; l++) {
    if (l > 0) seq = seqOf(g, steps, D * H, `${tag}gru_l${l - 1}`)
    const fwd = gruChain(g, t, st.prefix, `l${l}`, seq, T, H, `${tag}gru_l${l}`, false, h0 ? h0[l]! : null)
    states.push([fwd[T - 1]!])
    if (D === 1) steps = fwd
    else {
      const bwd = gruChain(g, t, st.prefix, `l${l}_reverse`, seq, T, H, `${tag}gru_l${l}_reverse`, true, null)
      steps = fwd.map((f, k) => g.layer('Concatenate', `${tag}gru_l${l}_both_t${k}`, { axis: -1 }, [f, bwd[k]!]))
    }
  }
  return { steps, states }
}
