/**
 * The one data table: a caption, columns that sort when they say how (click or Enter on the header; the
 * header carries aria-sort), rows by key, and an empty state that says what is missing.
 */
import { useMemo, useState, type ReactNode } from 'react';

export type Column<Row> = {
  key: string;
  header: string;
  render: (row: Row) => ReactNode;
  /** Makes the column sortable by this value. */
  sortValue?: (row: Row) => string | number | null;
  className?: string;
};

type TableProps<Row> = {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  empty: ReactNode;
  testId?: string;
  initialSort?: { key: string; direction: 'ascending' | 'descending' };
  /** Shows the caption to sighted readers too (it is always there for screen readers). */
  showCaption?: boolean;
  /** Extra content under a row (details of a delivery's attempts, say). */
  expanded?: (row: Row) => ReactNode | null;
};

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function Table<Row>({ caption, columns, rows, rowKey, empty, testId, initialSort, showCaption = false, expanded }: TableProps<Row>) {
  const [sort, setSort] = useState(initialSort ?? null);

  const sorted = useMemo(() => {
    const column = sort ? columns.find((c) => c.key === sort.key) : undefined;
    if (!sort || !column?.sortValue) return rows;
    const value = column.sortValue;
    const factor = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => factor * compare(value(a), value(b)));
  }, [rows, columns, sort]);

  const toggle = (key: string) =>
    setSort((before) => (before?.key === key ? { key, direction: before.direction === 'ascending' ? 'descending' : 'ascending' } : { key, direction: 'ascending' }));

  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <caption className={showCaption ? 'table-caption' : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = sort?.key === column.key;
              return (
                <th key={column.key} scope="col" className={column.className} aria-sort={active ? sort.direction : column.sortValue ? 'none' : undefined}>
                  {column.sortValue ? (
                    <button type="button" className="sort-button" onClick={() => toggle(column.key)}>
                      {column.header}
                      <span aria-hidden="true" className="sort-arrow">
                        {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {empty}
              </td>
            </tr>
          ) : (
            sorted.flatMap((row) => {
              const key = rowKey(row);
              const extra = expanded?.(row) ?? null;
              const cells = (
                <tr key={key}>
                  {columns.map((column) => (
                    <td key={column.key} className={column.className} data-label={column.header}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              );
              return extra === null
                ? [cells]
                : [
                    cells,
                    <tr key={`${key}-details`} className="table-details">
                      <td colSpan={columns.length}>{extra}</td>
                    </tr>,
                  ];
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
