/**
 * Reads the header of an hnswlib index file and walks its link-list table without loading the
 * graph. hnswlib trusts its input (a wrong dimension or a bogus element count makes it read out of
 * bounds or allocate wildly) and its writer ignores I/O errors, so a file is checked here both
 * right after writing and before hnswlib is allowed to read it.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** hnswlib 0.8 `saveIndex` header: six size_t, int32 maxlevel, uint32 entry point, three size_t, double mult, size_t efConstruction. */
const HEADER_BYTES = 96;
const SIZEOF_TABLEINT = 4;
const SIZEOF_LABEL = 8;

export interface HnswFileInfo {
  bytes: number;
  maxElements: number;
  elementCount: number;
  dim: number;
  M: number;
  efConstruction: number;
  maxLevel: number;
}

/** Throws an Error describing the first inconsistency; callers wrap it in their own error. */
export async function inspectHnswFile(path: string): Promise<HnswFileInfo> {
  const fh = await open(path, 'r');
  try {
    const bytes = (await fh.stat()).size;
    if (bytes < HEADER_BYTES) throw new Error(`${bytes} bytes is shorter than the ${HEADER_BYTES}-byte header`);
    const header = Buffer.alloc(HEADER_BYTES);
    await readFully(fh, header, 0);
    let at = 0;
    const u64 = (): number => {
      const v = header.readBigUInt64LE(at);
      at += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`header field at byte ${at - 8} is implausibly large`);
      return Number(v);
    };
    const offsetLevel0 = u64();
    const maxElements = u64();
    const elementCount = u64();
    const sizeDataPerElement = u64();
    const labelOffset = u64();
    const offsetData = u64();
    const maxLevel = header.readInt32LE(at);
    const enterPoint = header.readUInt32LE(at + 4);
    at += 8;
    const maxM = u64();
    const maxM0 = u64();
    const M = u64();
    at += 8; // mult_, derived from M
    const efConstruction = u64();

    const linksLevel0 = maxM0 * SIZEOF_TABLEINT + 4;
    const linksPerLevel = maxM * SIZEOF_TABLEINT + 4;
    const dataBytes = labelOffset - offsetData;
    if (offsetLevel0 !== 0 || M < 1 || maxM !== M || maxM0 !== 2 * M) throw new Error('header has inconsistent link parameters');
    if (offsetData !== linksLevel0 || dataBytes <= 0 || dataBytes % 4 !== 0 || sizeDataPerElement !== labelOffset + SIZEOF_LABEL) {
      throw new Error('header has an inconsistent element layout');
    }
    if (elementCount > maxElements) throw new Error(`element count ${elementCount} exceeds capacity ${maxElements}`);
    if (elementCount > 0 && (enterPoint >= elementCount || maxLevel < 0)) throw new Error('header has an invalid entry point');

    const tableStart = HEADER_BYTES + elementCount * sizeDataPerElement;
    if (tableStart + 4 * elementCount > bytes) {
      throw new Error(`${bytes} bytes cannot hold ${elementCount} elements of ${sizeDataPerElement} bytes (truncated?)`);
    }
    // The upper-layer table is small (most elements live on layer 0 only): read it in one go.
    const table = Buffer.alloc(bytes - tableStart);
    await readFully(fh, table, tableStart);
    let pos = 0;
    for (let i = 0; i < elementCount; i++) {
      if (pos + 4 > table.length) throw new Error(`link table ends at element ${i} of ${elementCount} (truncated?)`);
      const size = table.readUInt32LE(pos);
      if (size % linksPerLevel !== 0 || size / linksPerLevel > maxLevel) throw new Error(`element ${i} has a bad link-list size ${size}`);
      pos += 4 + size;
    }
    if (pos !== table.length) {
      throw new Error(pos > table.length ? 'link table runs past the end of the file (truncated?)' : `${table.length - pos} unexpected trailing bytes`);
    }
    return { bytes, maxElements, elementCount, dim: dataBytes / 4, M, efConstruction, maxLevel };
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new Error('file ended early while reading');
    done += bytesRead;
  }
}
