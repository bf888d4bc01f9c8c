/**
 * Test inputs for the OCR tests: PDFs written by hand (ImageMagick's security policy here
 * refuses to write PDF), an image-only "scan" with one JPEG per page, or a page of real text.
 */
export type PdfPageSpec =
  { jpeg: Uint8Array; width: number; height: number; channels: number; dpi: number } | { lines: string[] };

export function pdfOf(pages: PdfPageSpec[]): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer): number => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };
  const catalog = add('');
  const pageTree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (const spec of pages) {
    let content: string;
    let resources: string;
    let box: [number, number];
    if ('lines' in spec) {
      box = [612, 792];
      const text = spec.lines
        .map((l, i) => `${i === 0 ? '72 720 Td' : '0 -36 Td'} (${l.replace(/[()\\]/g, '\\$&')}) Tj`)
        .join('\n');
      content = `BT /F1 24 Tf\n${text}\nET`;
      resources = `<< /Font << /F1 ${font} 0 R >> >>`;
    } else {
      box = [(spec.width * 72) / spec.dpi, (spec.height * 72) / spec.dpi];
      const image = add(
        Buffer.concat([
          Buffer.from(
            `<< /Type /XObject /Subtype /Image /Width ${spec.width} /Height ${spec.height} /ColorSpace /${spec.channels === 1 ? 'DeviceGray' : 'DeviceRGB'} ` +
              `/BitsPerComponent 8 /Filter /DCTDecode /Length ${spec.jpeg.length} >>\nstream\n`,
            'latin1',
          ),
          Buffer.from(spec.jpeg),
          Buffer.from('\nendstream', 'latin1'),
        ]),
      );
      content = `q ${box[0]} 0 0 ${box[1]} 0 0 cm /Im0 Do Q`;
      resources = `<< /XObject << /Im0 ${image} 0 R >> >>`;
    }
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 ${box[0]} ${box[1]}] /Resources ${resources} /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pageTree} 0 R >>`, 'latin1');
  objects[pageTree - 1] = Buffer.from(
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`,
    'latin1',
  );

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]?.length ?? 0;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(at);
    at += obj.length;
    parts.push(obj);
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
  ];
  parts.push(
    Buffer.from(
      `${xref.join('\n')}\ntrailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${at}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}
