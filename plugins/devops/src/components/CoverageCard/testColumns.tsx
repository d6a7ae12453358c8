import { BreakableText, TableColumn } from '../shared';

/** The suite and test-name columns of the test tables, breaking long names between parts. */
export function testNameColumns<
  T extends { suite: string; name: string },
>(): TableColumn<T>[] {
  return [
    {
      key: 'suite',
      title: 'Suite',
      render: test => <BreakableText text={test.suite} />,
    },
    {
      key: 'test',
      title: 'Test',
      render: test => <BreakableText text={test.name} />,
    },
  ];
}
