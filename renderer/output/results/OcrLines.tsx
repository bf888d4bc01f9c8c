/** An OCR result line by line, each with Tesseract's confidence; the lines worth a second look marked low. */
import '../../styles/results.css';
import { isLowConfidence, LOW_CONFIDENCE, type OcrLine, type OcrPage } from '../result-shape.js';

function percent(confidence: number): string {
  return `${Math.round(confidence)}%`;
}

/** "Page 2 · from its text layer · turned 180°", above a document's page's first line. */
function pageHeading(page: number, info: OcrPage | undefined): string {
  const how = info?.source === 'text-layer' ? ' · from its text layer' : '';
  const turned = info?.rotation ? ` · turned ${info.rotation}°` : '';
  return `Page ${page}${how}${turned}`;
}

export function OcrLines({ lines, confidence, pages }: { lines: OcrLine[]; confidence: number; pages: OcrPage[] }) {
  const low = lines.filter((l) => isLowConfidence(l.confidence)).length;
  // Headings only for documents: a single image's one page needs none.
  const paged = pages.length > 1 || pages.some((p) => p.rotation);
  const byPage = new Map(pages.map((p) => [p.page, p]));
  return (
    <div className="result-scroll" data-testid="output-text" tabIndex={0} role="region" aria-label="Recognised lines">
      <p className="result-summary muted small">
        {lines.length} {lines.length === 1 ? 'line' : 'lines'} · mean confidence {percent(confidence)}
        {low > 0 && ` · ${low} below ${LOW_CONFIDENCE}%, marked low`}
      </p>
      <ol className="ocr-lines">
        {lines.map((line, i) => {
          const isLow = isLowConfidence(line.confidence);
          const firstOfPage = paged && line.page !== undefined && line.page !== lines[i - 1]?.page;
          return (
            <li key={i} className={isLow ? 'ocr-line ocr-low' : 'ocr-line'} data-testid="ocr-line">
              {firstOfPage && line.page !== undefined && (
                <h3 className="ocr-page small muted" data-testid="ocr-page">
                  {pageHeading(line.page, byPage.get(line.page))}
                </h3>
              )}
              <span className="ocr-text">{line.text}</span>
              <span className="ocr-confidence" data-testid="ocr-confidence">
                <span className="sr-only">confidence </span>
                {line.confidence === undefined ? '—' : percent(line.confidence)}
              </span>
              {isLow && (
                <span className="badge ocr-low-badge">
                  low<span className="sr-only"> confidence: check this line against the image</span>
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
