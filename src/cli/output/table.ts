// Column alignment as Go's text/tabwriter does it with docker's settings (minwidth 10, padding 3):
// every tab-terminated cell is padded to its column's widest cell plus 3; the last cell is not.

const MIN_WIDTH = 10;
const PADDING = 3;

const width = (s: string) => [...s].length;

export function alignTabs(text: string, minWidth = MIN_WIDTH): string {
  const lines = text.split('\n');
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const cells of rows) {
    cells.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, width(c)); });
  }
  return rows
    .map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(minWidth, widths[i] + PADDING) - width(c)))).join(''))
    .join('\n');
}
