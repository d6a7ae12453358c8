import { SecurityScanStream } from '@devops-growth/backstage-plugin-devops-common';
import { BreakableText, ResponsiveTable, TableColumn } from '../shared';
import { ScanStreamView, toScanStreamView } from './model';

const COLUMNS: TableColumn<ScanStreamView>[] = [
  { key: 'tool', title: 'Tool', render: s => s.tool },
  {
    key: 'category',
    title: 'Category',
    render: s => <BreakableText text={s.category} />,
  },
  { key: 'format', title: 'Format', nowrap: true, render: s => s.format },
  { key: 'last', title: 'Last scan', render: s => s.lastScan },
  {
    key: 'commit',
    title: 'Commit',
    nowrap: true,
    render: s => <code>{s.commit}</code>,
  },
  {
    key: 'findings',
    title: 'Findings',
    align: 'right',
    nowrap: true,
    render: s => s.findings,
  },
];

/**
 * The scan streams of the branch: one per tool and category. A newer scan of a stream fixes the
 * findings it no longer reports; streams do not fix each other's findings.
 */
export function ScanStreams(props: { scans: SecurityScanStream[] }) {
  return (
    <ResponsiveTable
      label="Scan streams"
      columns={COLUMNS}
      rows={props.scans.map(toScanStreamView)}
      rowKey={s => s.key}
      stackBelow={560}
    />
  );
}
