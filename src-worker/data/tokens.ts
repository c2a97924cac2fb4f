// Tokens of text columns: characters or whitespace-separated words, and vocabularies that begin with the four
// special tokens.

export const SPECIAL_TOKENS = ['<pad>', '<unk>', '<bos>', '<eos>'] as const
export const PAD = 0,
  UNK = 1,
  BOS = 2,
  EOS = 3

export type TokenMode = 'char' | 'word'

export function tokenize(text: string, tokens: TokenMode): string[] {
  return tokens === 'char' ? Array.from(text) : text.split(/\s+/).filter((t) => t.length > 0)
}

/** Vocabulary: the special tokens, then training tokens by falling frequency (ties in code-point order). */
export function buildVocab(texts: Iterable<string[]>, minCount = 1): string[] {
  const freq = new Map<string, number>()
  for (const toks of texts) for (const t of toks) freq.set(t, (freq.get(t) ?? 0) + 1)
  const list = [...freq]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return [...SPECIAL_TOKENS, ...list.map(([t]) => t)]
}
