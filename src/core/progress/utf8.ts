/**
 * A streaming UTF-8 decoder that works byte by byte, so a multi-byte character split across chunks
 * decodes the same as one that arrives whole, and malformed input becomes U+FFFD instead of an
 * error. core has no TextDecoder (no DOM or Node types), and the byte-level state machine is what
 * makes the tqdm parser's output independent of how the stream was chunked.
 * Follows the WHATWG Encoding Standard's UTF-8 decoder (encoding.spec.whatwg.org, section 9.1.1).
 */
export const REPLACEMENT = 0xfffd;

export interface Utf8Decoder {
  /** Decodes `bytes`, calling `emit` with each complete code point. */
  push(bytes: Uint8Array, emit: (codePoint: number) => void): void;
  /** Ends the stream: a truncated sequence becomes U+FFFD. */
  end(emit: (codePoint: number) => void): void;
}

export function createUtf8Decoder(): Utf8Decoder {
  let needed = 0;
  let seen = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;

  const reset = (): void => {
    needed = 0;
    seen = 0;
    codePoint = 0;
    lower = 0x80;
    upper = 0xbf;
  };

  const pushByte = (byte: number, emit: (cp: number) => void): void => {
    if (needed === 0) {
      if (byte <= 0x7f) emit(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        codePoint = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x07;
      } else emit(REPLACEMENT);
      return;
    }
    if (byte < lower || byte > upper) {
      // The sequence is cut short: replace it and read this byte afresh.
      reset();
      emit(REPLACEMENT);
      pushByte(byte, emit);
      return;
    }
    lower = 0x80;
    upper = 0xbf;
    codePoint = (codePoint << 6) | (byte & 0x3f);
    seen += 1;
    if (seen === needed) {
      const cp = codePoint;
      reset();
      emit(cp);
    }
  };

  return {
    push(bytes, emit) {
      for (let i = 0; i < bytes.length; i++) pushByte(bytes[i] as number, emit);
    },
    end(emit) {
      if (needed !== 0) {
        reset();
        emit(REPLACEMENT);
      }
    },
  };
}
