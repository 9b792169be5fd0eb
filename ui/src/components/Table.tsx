import type { ReactNode } from "react";

/** One column: its header and how a row fills it. */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** `num` right-aligns amounts; `nowrap` keeps dates and ids on one line. */
  align?: "num" | "nowrap";
}

interface TableProps<T> {
  /** What the table lists, for screen readers (visually hidden caption). */
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** data-testid of each row. */
  rowTestId?: (row: T) => string;
  /** Opens a row on click; put a focusable control in one cell for the keyboard. */
  onRowClick?: (row: T) => void;
  testId?: string;
}

/** A real `<table>` with the app's look: headers, right-aligned amounts, clickable rows. */
export function Table<T>({ label, columns, rows, rowKey, rowTestId, onRowClick, testId }: TableProps<T>) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col" className={column.align}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={rowKey(row)}
              className={onRowClick ? "clickable" : undefined}
              data-testid={rowTestId?.(row)}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
            >
              {columns.map((column, i) => (
                <td key={i} className={column.align}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
