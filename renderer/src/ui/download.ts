/** Hands text to the browser as a file download (the CSV export); nothing touches a disk here. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const safeName = filename.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'export.csv';
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = safeName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by now; the URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
