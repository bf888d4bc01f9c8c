/** One page of a document, as the OCR plugin reads it: pixels to recognise, or text the file already carries. */
export type DocPage =
  | {
      kind: 'image';
      /** An encoded image the engine (Leptonica) reads. */
      bytes: Uint8Array;
      /** Whether sharp can decode `bytes` (so the page can be turned); false for BMP and PNM, which only Leptonica reads. */
      turnable: boolean;
    }
  | { kind: 'text'; lines: string[] };

/** A document opened for reading, page by page, so the first page is read before the last is decoded. */
export interface PageSource {
  readonly count: number;
  /** Page `index` (0-based); throws a PluginError when that page cannot be read. */
  page(index: number): Promise<DocPage>;
  close(): Promise<void>;
}
