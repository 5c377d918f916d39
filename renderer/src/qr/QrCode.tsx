import { useMemo } from 'react';
import { qrDrawing } from './qr-path';

export function QrCode({ text, label, testId, className }: { text: string; label: string; testId: string; className?: string }) {
  const drawing = useMemo(() => qrDrawing(text), [text]);
  return (
    <svg
      className={className ? `qr ${className}` : 'qr'}
      data-testid={testId}
      role="img"
      aria-label={label}
      viewBox={`0 0 ${drawing.size} ${drawing.size}`}
      shapeRendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={drawing.size} height={drawing.size} fill="#fff" />
      <path d={drawing.path} fill="#000" />
    </svg>
  );
}
