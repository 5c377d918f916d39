/**
 * One CSV cell: quoted when it holds a comma, quote or line break, and a cell that starts
 * like a spreadsheet formula (= + - @) is quoted as text, so opening the file runs nothing.
 */
export function csvCell(value: string | null | undefined): string {
  const text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
