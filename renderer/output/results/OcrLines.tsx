/** An OCR result line by line, each with Tesseract's confidence; the lines worth a second look marked low. */
import '../../styles/results.css';
import { isLowConfidence, LOW_CONFIDENCE, type OcrLine } from '../result-shape.js';

function percent(confidence: number): string {
  return `${Math.round(confidence)}%`;
}

export function OcrLines({ lines, confidence }: { lines: OcrLine[]; confidence: number }) {
  const low = lines.filter((l) => isLowConfidence(l.confidence)).length;
  return (
    <div className="result-scroll" data-testid="output-text" tabIndex={0} role="region" aria-label="Recognised lines">
      <p className="result-summary muted small">
        {lines.length} {lines.length === 1 ? 'line' : 'lines'} · mean confidence {percent(confidence)}
        {low > 0 && ` · ${low} below ${LOW_CONFIDENCE}%, marked low`}
      </p>
      <ol className="ocr-lines">
        {lines.map((line, i) => {
          const isLow = isLowConfidence(line.confidence);
          return (
            <li key={i} className={isLow ? 'ocr-line ocr-low' : 'ocr-line'} data-testid="ocr-line">
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
