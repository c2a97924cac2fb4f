// NumPy's .npy format (version 1.0), written by hand: the magic "\x93NUMPY", version 1.0, a little-endian uint16
// header length, a Python-dict header ({'descr', 'fortran_order', 'shape'}) padded with spaces and a newline so the
// data starts at a multiple of 64 bytes, then the raw little-endian C-order data. numpy.load reads it.

export type NpyDtype = 'f4' | 'f8'

export function encodeNpy(data: ArrayLike<number>, shape: number[], dtype: NpyDtype = 'f4'): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1)
  if (n !== data.length) throw new Error(`npy: ${data.length} values for shape [${shape}]`)
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ')
  let header = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': (${dims}), }`
  const pad = 64 - ((10 + header.length + 1) % 64)
  header += ' '.repeat(pad % 64) + '\n'
  const width = dtype === 'f4' ? 4 : 8
  const out = new Uint8Array(10 + header.length + n * width),
    v = new DataView(out.buffer)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]) // \x93NUMPY 1.0
  v.setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  let p = 10 + header.length
  for (let k = 0; k < n; k++, p += width) {
    if (width === 4) v.setFloat32(p, data[k]!, true)
    else v.setFloat64(p, data[k]!, true)
  }
  return out
}
