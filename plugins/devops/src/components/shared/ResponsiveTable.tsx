import { Fragment, ReactNode } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import useMeasure from 'react-use/esm/useMeasure';

/** A column of a {@link ResponsiveTable}. */
export interface TableColumn<T> {
  key: string;
  title: string;
  align?: 'left' | 'right';
  /** Keep the cell on one line (figures, durations, dates). */
  nowrap?: boolean;
  render: (row: T) => ReactNode;
}

const useStyles = makeStyles(theme => ({
  // a table wider than the card scrolls sideways instead of being cut at the card's edge
  scroll: { overflowX: 'auto' },
  heading: { whiteSpace: 'nowrap' },
  nowrap: { whiteSpace: 'nowrap' },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  pairs: {
    display: 'grid',
    gridTemplateColumns: 'minmax(6em, max-content) minmax(0, 1fr)',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    ...theme.typography.body2,
  },
  term: { color: theme.palette.text.secondary },
  value: { margin: 0, minWidth: 0 },
}));

/**
 * A table that turns into stacked rows (one block per row, each value under its column's name)
 * when the card is narrower than `stackBelow` pixels, where columns would squeeze words into one
 * letter per line. A table still wider than the card (long values) scrolls sideways: cards cut
 * what overflows them, which would hide the last columns and their buttons.
 */
export function ResponsiveTable<T>(props: {
  label: string;
  columns: TableColumn<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Attributes of each row, such as `data-` attributes for tests. */
  rowProps?: (row: T) => Record<string, string>;
  stackBelow: number;
}) {
  const { label, columns, rows, rowKey, rowProps, stackBelow } = props;
  const classes = useStyles();
  const [ref, { width }] = useMeasure<HTMLDivElement>();
  // not measured yet (width 0): the table, which is what wide cards show
  const stacked = width > 0 && width < stackBelow;
  return (
    <div ref={ref} className={classes.scroll}>
      {stacked ? (
        <ul aria-label={label} className={classes.list}>
          {rows.map(row => (
            <li key={rowKey(row)} className={classes.item} {...rowProps?.(row)}>
              <dl className={classes.pairs}>
                {columns.map(column => (
                  <Fragment key={column.key}>
                    <dt className={classes.term}>{column.title}</dt>
                    <dd className={classes.value}>{column.render(row)}</dd>
                  </Fragment>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      ) : (
        <Table size="small" aria-label={label}>
          <TableHead>
            <TableRow>
              {columns.map(column => (
                <TableCell
                  key={column.key}
                  align={column.align}
                  className={classes.heading}
                >
                  {column.title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map(column => (
                  <TableCell
                    key={column.key}
                    align={column.align}
                    className={column.nowrap ? classes.nowrap : undefined}
                  >
                    {column.render(row)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
